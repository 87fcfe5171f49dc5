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
