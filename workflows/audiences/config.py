"""An audience trigger's configuration: the definition's ``audience`` JSON.

    {"entity": "membership",                    the records it is about
     "rule": {rule},                            who is in the audience (compiler.py)
     "exclude": {rule},                         who is kept out all the same ({}: nobody)
     "at": "09:00",                             evaluated daily then, business time zone
     "entry": "once",                           or "every_n_days" with "entry_days": 365
     "daily_cap": 100,                          at most this many starts a day (null: none)
     "end_when_leaving": true}                  an instance ends when its entity leaves

``clean_audience`` checks it and fills the defaults, raising ``ValidationError`` with each
message naming the key (``audience.entry_days: …``, ``audience.rule.all[0].field: …``) so an
editor can show it beside the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from workflows import entities, timing
from workflows.audiences.compiler import compile_rule
from workflows.audiences.periods import Clock

ENTRY_POLICIES = ("once", "every_n_days")
DEFAULTS: dict[str, Any] = {"exclude": {}, "at": "09:00", "entry": "once", "entry_days": None,
                            "daily_cap": None, "end_when_leaving": False}
KEYS = ("entity", "rule", *DEFAULTS)


@dataclass(frozen=True)
class Audience:
    entity: str
    rule: dict[str, Any]
    exclude: dict[str, Any]
    at: time
    entry: str
    entry_days: int | None
    daily_cap: int | None
    end_when_leaving: bool

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Audience:
        """A saved (already cleaned) configuration."""
        values = {**DEFAULTS, **data}
        return cls(entity=values["entity"], rule=values["rule"] or {},
                   exclude=values["exclude"] or {}, at=timing.parse_time_of_day(values["at"]),
                   entry=values["entry"], entry_days=values["entry_days"],
                   daily_cap=values["daily_cap"], end_when_leaving=values["end_when_leaving"])


def clean_audience(data: Any, where: str = "audience") -> dict[str, Any]:
    """The configuration with its defaults, checked; raises ``ValidationError`` (a list of
    messages, each starting with the key it is about)."""
    if not isinstance(data, Mapping) or not data:
        raise ValidationError(f"{where}: an audience trigger needs its configuration: an "
                              f"object with {', '.join(KEYS)}")
    unknown = set(data) - set(KEYS)
    if unknown:
        raise ValidationError(f"{where}: unknown keys {sorted(unknown)}; known: "
                              f"{', '.join(KEYS)}")
    cleaned = {"entity": data.get("entity"), "rule": data.get("rule"),
               **{key: data.get(key, default) for key, default in DEFAULTS.items()}}
    cleaned["exclude"] = cleaned["exclude"] or {}
    errors: list[str] = []
    for check in (_entity, _rules, _at, _entry, _cap, _end):
        try:
            check(cleaned, where)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _entity(data: dict[str, Any], where: str) -> None:
    if data["entity"] not in entities.ENTITY_MODELS:
        raise ValidationError(f"{where}.entity: {data['entity']!r} is not a record type; use "
                              f"one of {', '.join(sorted(entities.ENTITY_MODELS))}")


def _rules(data: dict[str, Any], where: str) -> None:
    if data["entity"] not in entities.ENTITY_MODELS:
        return  # reported by _entity
    if not isinstance(data["rule"], Mapping) or not data["rule"]:
        raise ValidationError(f"{where}.rule: give the rule of who is in the audience (a "
                              f"non-empty rule; e.g. {{\"field\": \"status\", \"op\": \"==\", "
                              f"\"value\": \"Active\"}})")
    clock = Clock(timezone.now())
    messages = []
    for key in ("rule", "exclude"):
        try:
            compile_rule(data[key], data["entity"], clock, f"{where}.{key}")
        except ValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        raise ValidationError(messages)


def _at(data: dict[str, Any], where: str) -> None:
    timing.parse_time_of_day(data["at"], f"{where}.at")


def _entry(data: dict[str, Any], where: str) -> None:
    if data["entry"] not in ENTRY_POLICIES:
        raise ValidationError(f"{where}.entry: {data['entry']!r} is not one of "
                              f"{', '.join(ENTRY_POLICIES)} (once, or again every N days)")
    days = data["entry_days"]
    if data["entry"] == "once":
        if days is not None:
            raise ValidationError(f"{where}.entry_days: only with entry every_n_days")
    elif not _whole(days, 1, 3650):
        raise ValidationError(f"{where}.entry_days: every_n_days needs a whole number of days "
                              f"from 1 to 3650, got {days!r}")


def _cap(data: dict[str, Any], where: str) -> None:
    cap = data["daily_cap"]
    if cap is not None and not _whole(cap, 1, 1_000_000):
        raise ValidationError(f"{where}.daily_cap: a whole number of starts a day (at least "
                              f"1), or null for no cap; got {cap!r}")


def _end(data: dict[str, Any], where: str) -> None:
    if not isinstance(data["end_when_leaving"], bool):
        raise ValidationError(f"{where}.end_when_leaving: must be true or false")


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
