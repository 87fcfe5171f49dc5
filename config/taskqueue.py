"""The django-q2 task queue as the back office may drive it.

A worker runs whatever dotted path a queued task names, and the worker holds every secret: so
nothing staff do in the admin may name a function. Each app lists the functions the queue may
run as ``TASKS`` in its ``tasks.py`` (the declared tasks); a schedule made in the admin picks
one of them, its arguments are checked against the function's signature, and only tasks of a
declared function are resubmitted.
"""

from __future__ import annotations

import ast
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django_q.models import Failure, Task
from django_q.tasks import async_task

from config.discovery import app_modules

# Keyword arguments django-q2's ``async_task`` takes for itself (a hook to call, a cluster to
# send to, …) instead of passing them on: a schedule must never set them.
QUEUE_OPTIONS = frozenset({"q_options", "task_name", "hook", "group", "save", "sync", "cached",
                           "ack_failure", "iter_count", "iter_cached", "chain", "broker",
                           "cluster", "timeout"})


class TaskRefused(Exception):
    """A task the queue will not take again; the message says why."""


def declared_tasks() -> dict[str, Callable[..., Any]]:
    """Every declared task by dotted path (``ghl.tasks.sync_all``), in app order."""
    return {f"{func.__module__}.{func.__name__}": func
            for module in app_modules("tasks") for func in getattr(module, "TASKS", ())}


def parse_call(func: str, args: str, kwargs: str) -> tuple[tuple, dict[str, Any]]:
    """A schedule's arguments as django-q2's scheduler reads them — ``args`` a Python literal
    (one value or a tuple), ``kwargs`` a dict literal or ``name=value, …`` — checked against
    the declared task's signature. Raises ``ValidationError`` keyed by the field at fault."""
    task = declared_tasks().get(func)
    if task is None:
        raise ValidationError({"func": f"{func!r} is not a declared task"})
    positional = _literal(args, "args") if args.strip() else ()
    positional = positional if isinstance(positional, tuple) else (positional,)
    keywords = _keywords(kwargs) if kwargs.strip() else {}
    reserved = sorted(QUEUE_OPTIONS & set(keywords))
    if reserved:
        raise ValidationError({"kwargs": f"{reserved[0]!r} is an option of the task queue, "
                                         f"not an argument; it cannot be set here"})
    try:
        bound = inspect.signature(task).bind(*positional, **keywords)
    except TypeError as exc:
        raise ValidationError({"args": f"{func}{inspect.signature(task)}: {exc}"}) from None
    hints = typing.get_type_hints(task)
    for name, value in bound.arguments.items():
        if name in hints and not _matches(value, hints[name]):
            raise ValidationError({"args": f"{func}: {name}={value!r} is not a "
                                           f"{_hint_name(hints[name])}"})
    return positional, keywords


def call_text(args: tuple, kwargs: dict[str, Any]) -> tuple[str, str]:
    """``(args, kwargs)`` written the way ``parse_call`` and the scheduler read them back."""
    return (repr(tuple(args)) if args else "", repr(dict(kwargs)) if kwargs else "")


def _matches(value: Any, hint: Any) -> bool:
    """Whether ``value`` fits the annotation: plain classes, ``X | Y``, ``list[X]``,
    ``tuple[X, ...]``, ``dict[K, V]``; anything fancier is not checked."""
    origin, inner = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, option) for option in inner)
    if origin in (list, tuple, set, frozenset):
        items = [arg for arg in inner if arg is not Ellipsis][:1]
        return isinstance(value, origin) and all(_matches(v, items[0]) for v in value if items)
    if origin is dict:
        key, item = inner or (Any, Any)
        return isinstance(value, dict) and all(_matches(k, key) and _matches(v, item)
                                               for k, v in value.items())
    if isinstance(hint, type):
        if isinstance(value, bool):  # an int to Python, but True is no count of anything
            return hint is bool
        return isinstance(value, int | float) if hint is float else isinstance(value, hint)
    return True


def _hint_name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint)


def _literal(text: str, field: str) -> Any:
    try:
        return ast.literal_eval(text.strip())
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        raise ValidationError({field: "must be Python literals, e.g. 1, 'jobs' or "
                                      "['estimates', 'jobs']"}) from None


def _keywords(text: str) -> dict[str, Any]:
    try:
        value = ast.literal_eval(text.strip())
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        value = None
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return value
    try:  # the scheduler's other syntax: name=value, …
        call = ast.parse(f"f({text.strip()})", mode="eval").body
        if not isinstance(call, ast.Call) or call.args or any(k.arg is None
                                                              for k in call.keywords):
            raise ValueError
        return {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        raise ValidationError({"kwargs": "must be name=value pairs of Python literals, e.g. "
                                         "resources=['jobs'], or a dict"}) from None


def resubmit(task: Task) -> str:
    """Queue ``task``'s function again with its arguments; a failure queued again is removed
    from the failures (the new attempt records its own outcome). Returns the new task id.
    Raises ``TaskRefused`` for a function that is not a declared task."""
    if task.func not in declared_tasks():
        raise TaskRefused(f"{task.name}: {task.func!r} is not a declared task; it is not "
                          f"queued again")
    task_id = async_task(task.func, *(task.args or ()), group=task.group,
                         **(task.kwargs or {}))
    if isinstance(task, Failure) or not task.success:
        Task.objects.filter(pk=task.pk).delete()
    return task_id
