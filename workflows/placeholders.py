"""Placeholders: the parts of a definition someone still has to write before it can run.

An import from another tool (``workflows.n8n``) keeps what it could not carry over visible
instead of guessing: a trigger or awaited event no native event matches is
``placeholder.<what>`` (``placeholder.webhook``), a condition it could not translate tests the
field ``placeholder.condition``, and an expression it could not translate stays in the text as
a template comment ``{# n8n: … #}`` (it renders as nothing, so it never reaches a customer).

A definition holding any of them saves like any other — staff review and finish it in the
editor — but cannot be switched on (``validation.validate_definition`` and
``services.definition_set_active`` refuse it, naming each placeholder).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

PREFIX = "placeholder."
TEXT_MARK = "{# n8n:"


def placeholders(content: Mapping[str, Any]) -> list[str]:
    """Where ``content`` (a definition's fields) still holds a placeholder, e.g.
    ``["trigger_event 'placeholder.webhook'", "steps[2].rule.field 'placeholder.condition'"]``;
    empty when it is complete."""
    return [f"{where} {value!r}" for where, value in _strings(content, "")
            if value.startswith(PREFIX) or TEXT_MARK in value]


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every text inside ``value`` with its path (the trigger, rules, steps, cancel rules)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not where and key in ("name", "description"):
                continue  # free text: a mention of a placeholder is no placeholder
            yield from _strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")
