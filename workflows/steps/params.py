"""Small helpers for step types' ``validate``: each raises ``ValidationError`` naming the step
and the parameter, e.g. ``step 'follow_up_1'.duration: '2 days' is not a duration…``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from django.core.exceptions import ValidationError

from workflows.templating import check_data


def fail(step: Mapping[str, Any], key: str, message: str) -> NoReturn:
    raise ValidationError(f"step {step.get('id')!r}.{key}: {message}")


def where(step: Mapping[str, Any], key: str) -> str:
    return f"step {step.get('id')!r}.{key}"


def allowed_keys(step: Mapping[str, Any], *keys: str) -> None:
    """Refuse parameters the step type does not know (a typo would otherwise be ignored)."""
    common = {"id", "type", "max_attempts", "backoff", "label"}
    unknown = set(step) - common - set(keys)
    if unknown:
        fail(step, sorted(unknown)[0], f"unknown parameter for a {step.get('type')} step "
                                       f"(known: {', '.join(sorted(keys)) or 'none'})")


def text(step: Mapping[str, Any], key: str, required: bool = True) -> None:
    """A template string (checked to compile)."""
    value = step.get(key)
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()):
        fail(step, key, "must be non-empty text")
    templated(step, key)


def templated(step: Mapping[str, Any], key: str) -> None:
    error = check_data(step.get(key), where(step, key))
    if error:
        raise ValidationError(error)


def string_map(step: Mapping[str, Any], key: str) -> None:
    value = step.get(key, {})
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str | int | float | bool)
            for k, v in value.items()):
        fail(step, key, "must be an object of names to text values")
    templated(step, key)
