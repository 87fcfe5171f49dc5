"""Templated text in steps (SMS bodies, HTTP bodies, emails) uses Django's template engine
against the instance context. Autoescaping is off: the output is plain text, not HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError

_ENGINE = Engine(autoescape=False, string_if_invalid="", libraries={}, builtins=[])


def render(text: str, context: Mapping[str, Any]) -> str:
    return _ENGINE.from_string(text).render(Context(dict(context), autoescape=False))


def check_template(text: str) -> str | None:
    """The syntax error in ``text`` as a message, or None when it compiles."""
    try:
        _ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


def render_data(value: Any, context: Mapping[str, Any]) -> Any:
    """``value`` with every string inside it (dict values, list items) rendered; other JSON
    values unchanged. Used for JSON bodies and ``set`` values."""
    if isinstance(value, str):
        return render(value, context)
    if isinstance(value, Mapping):
        return {key: render_data(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render_data(item, context) for item in value]
    return value


def check_data(value: Any, where: str) -> str | None:
    """The first template syntax error inside ``value`` as ``where…: message``, or None."""
    if isinstance(value, str):
        error = check_template(value)
        return f"{where}: {error}" if error else None
    items = value.items() if isinstance(value, Mapping) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        inner = f"{where}.{key}" if isinstance(value, Mapping) else f"{where}[{key}]"
        error = check_data(item, inner)
        if error:
            return error
    return None
