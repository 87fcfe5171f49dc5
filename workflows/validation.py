"""Checking a workflow definition before it is saved or imported.

``validate_definition(data)`` returns the cleaned fields or raises ``ValidationError`` with a
message per field that points at the bad part, e.g.
``{"steps": ["step 'follow_up'.duration: '2 days' is not a duration; write e.g. …"]}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from workflows import timing
from workflows.audiences.config import clean_audience
from workflows.conditions import validate_rule
from workflows.models import ReentryPolicy, TriggerKind
from workflows.models.definitions import trigger_types
from workflows.placeholders import placeholders
from workflows.steps.base import get_step_type

_EVENT_TYPE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
_STEP_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
CANCEL_SCOPES = ("entity", "customer")
FIELDS = ("name", "description", "trigger_kind", "trigger_event", "trigger_conditions",
          "audience", "steps", "cancel_on", "reentry", "active", "stop_on_reply")


def validate_definition(data: Mapping[str, Any]) -> dict[str, Any]:
    """The definition's fields, checked; raises ``ValidationError({field: [message]})``."""
    unknown = set(data) - set(FIELDS)
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["__all__"] = [f"unknown fields {sorted(unknown)}; known: {', '.join(FIELDS)}"]
    cleaned = {
        "description": data.get("description", ""),
        "trigger_conditions": data.get("trigger_conditions") or {},
        "cancel_on": data.get("cancel_on") or [],
        "reentry": data.get("reentry", ReentryPolicy.ONE_LIVE),
        "active": data.get("active", False),
        "stop_on_reply": data.get("stop_on_reply", True),
        "name": data.get("name"),
        "trigger_kind": data.get("trigger_kind") or TriggerKind.EVENT,
        "trigger_event": data.get("trigger_event"),
        "audience": data.get("audience") or {},
        "steps": data.get("steps"),
    }
    checks = {"name": _name, "description": _description, "trigger_kind": _trigger_kind,
              "trigger_event": _trigger,
              "trigger_conditions": lambda v: validate_rule(v, "trigger_conditions"),
              "steps": validate_steps, "cancel_on": _cancel_on, "reentry": _reentry,
              "active": _active, "stop_on_reply": _stop_on_reply}
    if cleaned["trigger_kind"] == TriggerKind.AUDIENCE:
        checks.update(_AUDIENCE_CHECKS)
        cleaned["trigger_event"] = cleaned["trigger_event"] or ""
    else:
        checks["audience"] = _no_audience
    for name, check in checks.items():
        try:
            check(cleaned[name])
        except ValidationError as exc:
            errors[name] = exc.messages
    if cleaned["trigger_kind"] == TriggerKind.AUDIENCE and "audience" not in errors:
        cleaned["audience"] = clean_audience(cleaned["audience"])  # with its defaults
    if not errors and cleaned["active"]:
        try:
            check_complete(cleaned)
        except ValidationError as exc:
            errors["active"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_complete(content: Mapping[str, Any]) -> None:
    """Refuse to switch on a definition that still holds placeholders (``placeholders.py``:
    what an import could not carry over), naming each."""
    found = placeholders(content)
    if found:
        raise ValidationError(f"active: cannot switch on while the definition holds "
                              f"placeholders left by an import; replace {'; '.join(found)}")


def _name(value: Any) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 120:
        raise ValidationError("name: give a name of 1 to 120 characters")


def _description(value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError("description: must be text")


def _trigger_kind(value: Any) -> None:
    if value not in TriggerKind.values:
        raise ValidationError(f"trigger_kind: {value!r} is not one of "
                              f"{', '.join(TriggerKind.values)}")


def _no_audience(value: Any) -> None:
    if value:
        raise ValidationError("audience: only for trigger_kind audience; an event trigger "
                              "leaves it empty")


def _audience_only(name: str, empty: Any, instead: str):
    def check(value: Any) -> None:
        if value not in (empty, None, ""):
            raise ValidationError(f"{name}: an audience trigger {instead}")
    return check


# An audience trigger's rule, exclusions and entry policy are in ``audience``.
_AUDIENCE_CHECKS = {
    "trigger_event": _audience_only("trigger_event", "", "starts on its audience, not on an "
                                                         "event: leave trigger_event empty"),
    "trigger_conditions": _audience_only("trigger_conditions", {}, "has its rule in "
                                                                   "audience.rule"),
    "reentry": _audience_only("reentry", ReentryPolicy.ONE_LIVE, "enters by audience.entry "
                                                                 "(once, or every_n_days); "
                                                                 "leave reentry one_live"),
    "audience": clean_audience,
}


def _trigger(value: Any) -> None:
    """One event type, or several separated by commas."""
    if not isinstance(value, str) or not trigger_types(value):
        _event_type(value)
    for part in trigger_types(value):
        _event_type(part)


def _event_type(value: Any, where: str = "trigger_event") -> None:
    if not isinstance(value, str) or not _EVENT_TYPE.match(value):
        raise ValidationError(f"{where}: {value!r} is not an event type; write e.g. "
                              f"estimate.created, estimate.status_changed, job.completed")


def _reentry(value: Any) -> None:
    if value not in ReentryPolicy.values:
        raise ValidationError(f"reentry: {value!r} is not one of "
                              f"{', '.join(ReentryPolicy.values)}")


def _active(value: Any) -> None:
    if not isinstance(value, bool):
        raise ValidationError("active: must be true or false")


def _stop_on_reply(value: Any) -> None:
    if not isinstance(value, bool):
        raise ValidationError("stop_on_reply: must be true or false")


def validate_steps(steps: Any) -> None:
    if not isinstance(steps, list) or not steps:
        raise ValidationError("steps: give a non-empty list of steps")
    seen: set[str] = set()
    for index, step in enumerate(steps):
        _step_shape(step, index, seen)
        get_step_type(step["type"]).validate(step)
    for step in steps:
        for param in get_step_type(step["type"]).goto_params:
            target = step.get(param)
            if target is not None and target not in seen:
                raise ValidationError(f"step {step['id']!r}.{param}: no step has the id "
                                      f"{target!r}")


def _step_shape(step: Any, index: int, seen: set[str]) -> None:
    where = f"steps[{index}]"
    if not isinstance(step, Mapping):
        raise ValidationError(f"{where}: each step must be a JSON object")
    step_id = step.get("id")
    if not isinstance(step_id, str) or not _STEP_ID.match(step_id):
        raise ValidationError(f"{where}.id: give an id of letters, digits, _ or -")
    if step_id in seen:
        raise ValidationError(f"{where}.id: {step_id!r} is used twice")
    seen.add(step_id)
    if not isinstance(step.get("type"), str):
        raise ValidationError(f"step {step_id!r}.type: is required")
    try:
        get_step_type(step["type"])
    except ValidationError as exc:
        raise ValidationError(f"step {step_id!r}.type: {exc.messages[0]}") from None
    attempts = step.get("max_attempts", 1)
    if isinstance(attempts, bool) or not isinstance(attempts, int) or not 1 <= attempts <= 20:
        raise ValidationError(f"step {step_id!r}.max_attempts: must be a whole number 1–20")
    if "backoff" in step:
        timing.parse_duration(step["backoff"], f"step {step_id!r}.backoff")


def _cancel_on(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError("cancel_on: give a list of {event, conditions} objects")
    for index, rule in enumerate(value):
        where = f"cancel_on[{index}]"
        if not isinstance(rule, Mapping) or set(rule) - {"event", "conditions", "scope"}:
            raise ValidationError(f"{where}: must be an object with event, and optionally "
                                  f"conditions and scope")
        _event_type(rule.get("event"), f"{where}.event")
        validate_rule(rule.get("conditions") or {}, f"{where}.conditions")
        if rule.get("scope", "entity") not in CANCEL_SCOPES:
            raise ValidationError(f"{where}.scope: must be one of {', '.join(CANCEL_SCOPES)}")
