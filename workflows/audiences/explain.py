"""Staff see before they send: an audience's preview (how many, and the first records with
the values that qualified them) and the explanation of one record ("not in the audience: last
job 2026-03-01, less than 12 months ago").

Both read the values the rule compared in the same SQL that evaluates the audience (each
check's value and result annotated on the rows), so what staff are shown is what the
evaluation does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from workflows import entities
from workflows.audiences import fields as fieldmap
from workflows.audiences.compiler import Check as CompiledCheck
from workflows.audiences.compiler import Compiled
from workflows.audiences.config import Audience
from workflows.audiences.evaluation import Members, entered_before, members
from workflows.audiences.periods import Clock, field_day, parse_period
from workflows.conditions import Check
from workflows.models import LIVE_STATUSES, WorkflowDefinitionVersion, WorkflowInstance

PREVIEW_SIZE = 50


@dataclass
class Preview:
    entity: str
    at: datetime
    count: int                     # in the audience now
    matched: int                   # the rule matched (before exclusions)
    newcomers: int | None          # would enter at an evaluation now (saved definitions)
    columns: list[str]             # each check's label, for the sample's table
    sample: list[dict[str, Any]]   # {"id", "values": [shown value per column]}


def preview(audience: Audience, *, now: datetime | None = None,
            version: WorkflowDefinitionVersion | None = None,
            size: int = PREVIEW_SIZE) -> Preview:
    found = members(audience, now or timezone.now())
    rows = found.model.objects.filter(found.q)
    checks = found.rule.checks
    sample = rows.order_by("pk").annotate(**_values(checks)).values("pk", *_names(checks))
    newcomers = None
    if version is not None:
        newcomers = rows.exclude(entered_before(version, audience, found.clock)).count()
    return Preview(
        entity=audience.entity, at=found.clock.now, count=rows.count(),
        matched=found.model.objects.filter(found.rule.q).count(), newcomers=newcomers,
        columns=[_label(c) for c in checks],
        sample=[{"id": row["pk"], "values": [_shown(c, row[n], found.clock)
                                             for c, n in zip(checks, _names(checks),
                                                             strict=True)]}
                for row in sample[:size]])


@dataclass
class Explained:
    """Why one record is or is not in an audience now."""

    exists: bool
    in_rule: bool = False
    excluded: bool = False
    checks: list[Check] = field(default_factory=list)       # the rule's
    exclusions: list[Check] = field(default_factory=list)   # the exclusions'
    reason: str = ""

    @property
    def in_audience(self) -> bool:
        return self.in_rule and not self.excluded


def explain_record(audience: Audience, entity_id: Any, *, now: datetime | None = None,
                   version: WorkflowDefinitionVersion | None = None) -> Explained:
    found = members(audience, now or timezone.now())
    pk = entities.int_id(entity_id)
    exclude = found.exclude.checks if found.exclude else []
    flags = {"in_rule": _flag(found.rule.q), "excluded": _flag(found.excluded)}
    row = found.model.objects.filter(pk=pk).annotate(
        **flags, **_values(found.rule.checks), **_passes(found.rule.checks),
        **_values(exclude, "x"), **_passes(exclude, "x")).values().first() \
        if pk is not None else None
    if row is None:
        return Explained(False, reason=f"no {audience.entity} {entity_id} in the mirror")
    result = Explained(True, row["in_rule"], row["excluded"],
                       _checks(found.rule.checks, row, "", found.clock),
                       _checks(exclude, row, "x", found.clock))
    result.reason = _reason(result, found, version, str(pk))
    return result


# --- the values and results in SQL ------------------------------------------------------------

def _names(checks: list[CompiledCheck], prefix: str = "") -> list[str]:
    return [f"{prefix}value_{i}" for i in range(len(checks))]


def _values(checks: list[CompiledCheck], prefix: str = "") -> dict[str, Any]:
    return dict(zip(_names(checks, prefix), (c.value for c in checks), strict=True))


def _passes(checks: list[CompiledCheck], prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}pass_{i}": _flag(c.test) for i, c in enumerate(checks)}


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def _checks(checks: list[CompiledCheck], row: Mapping[str, Any], prefix: str,
            clock: Clock) -> list[Check]:
    return [Check(c.where, c.field, c.op, c.expected, _shown(c, row[f"{prefix}value_{i}"],
                                                             clock),
                  bool(row[f"{prefix}pass_{i}"])) for i, c in enumerate(checks)]


# --- words ------------------------------------------------------------------------------------

def _label(check: CompiledCheck) -> str:
    if check.kind == "has":
        return f"latest {check.field.removeprefix('has ')}" + (
            f" ({check.date_field})" if check.date_field else "")
    return f"{check.field} {check.op} {check.expected}"


def _shown(check: CompiledCheck, value: Any, clock: Clock) -> Any:
    """A value as staff read it: dates as days, times in the business time zone."""
    if check.kind == "has":
        if not value:
            return None
        value = json.loads(value) if isinstance(value, str) else value
        kind = fieldmap.kind_of(check.field.removeprefix("has "), check.date_field) \
            if check.date_field else None
        return {key: _day(item, kind, clock) if key == check.date_field else item
                for key, item in value.items()}
    if check.kind in ("date", "datetime") and isinstance(value, datetime):
        return field_day(value).isoformat() if check.kind == "date" else \
            value.astimezone(clock.zone).strftime("%Y-%m-%d %H:%M")
    return entities.plain(value)


def _day(value: Any, kind: str | None, clock: Clock) -> Any:
    """A related record's date or time (ISO text in the JSON) as its day."""
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return value
    return (field_day(moment) if kind == "date" else moment.astimezone(clock.zone).date()
            ).isoformat()


def _negated(where: str) -> bool:
    return where.count(".not") % 2 == 1


def _reason(result: Explained, found: Members, version: WorkflowDefinitionVersion | None,
            entity_id: str) -> str:
    if not result.in_rule:
        failing = [c for c in result.checks if c.passed == _negated(c.where)]
        return "not in the audience: " + ("; ".join(_sentence(c, found.rule) for c in failing)
                                          or "its rule does not match")
    if result.excluded:
        holding = [c for c in result.exclusions if c.passed != _negated(c.where)]
        return "excluded: " + ("; ".join(_sentence(c, found.exclude) for c in holding)
                               or "an exclusion matches")
    return "in the audience" + _entry(found, version, entity_id)


def _entry(found: Members, version: WorkflowDefinitionVersion | None, entity_id: str) -> str:
    if version is None:
        return ""
    instances = WorkflowInstance.objects.filter(
        definition_id=version.definition_id, entity_type=found.audience.entity,
        entity_id=entity_id).order_by("-id")
    latest = instances.first()
    if latest is not None and latest.status in LIVE_STATUSES:
        return f"; instance #{latest.pk} is {latest.status}"
    kept_out = found.model.objects.filter(
        entered_before(version, found.audience, found.clock), pk=int(entity_id)).exists()
    if kept_out and latest is not None:
        policy = "once" if found.audience.entry == "once" else \
            f"every {found.audience.entry_days} days"
        return (f"; already entered on {latest.created_at.astimezone(found.clock.zone):%Y-%m-%d} "
                f"(instance #{latest.pk}, entry {policy})")
    return f"; enters at the next evaluation ({found.audience.at:%H:%M})"


def _sentence(check: Check, compiled: Compiled | None) -> str:
    """One failing (or, for exclusions, holding) check in words."""
    if check.op == "has":
        return _has_sentence(check, compiled)
    actual = "empty" if check.actual is None else check.actual
    if check.op in _RELATIVE_WORDS:
        period = parse_period(check.expected).words
        holds = check.passed
        return f"{check.field} {actual}, {_RELATIVE_WORDS[check.op][holds].format(period)}" \
            if check.actual is not None else f"{check.field} is empty"
    return f"{check.field} is {actual!r}" + ("" if check.passed else
                                             f", not {check.op} {check.expected!r}")


def _has_sentence(check: Check, compiled: Compiled | None) -> str:
    related = check.field.removeprefix("has ")
    if not check.passed:
        return f"no {related} matching {check.expected}"
    latest = check.actual or {}
    dated = [(k, v) for k, v in latest.items() if k != "id"]
    if not dated:
        return f"has {related} {latest.get('id')}"
    name, day = dated[0]
    op, period = _relative_leaf(check.expected, name)
    words = f", {_RELATIVE_WORDS[op][True].format(parse_period(period).words)}" if op else ""
    return f"last {related} {day}{words}"


def _relative_leaf(rule: Any, name: str) -> tuple[str, str] | tuple[None, None]:
    if isinstance(rule, Mapping):
        if rule.get("field") == name and rule.get("op") in _RELATIVE_WORDS:
            return rule["op"], rule["value"]
        for value in rule.values():
            found = _relative_leaf(value, name)
            if found[0]:
                return found
    if isinstance(rule, list):
        for item in rule:
            found = _relative_leaf(item, name)
            if found[0]:
                return found
    return None, None


# What a relative date says about a value, when it holds (True) and when it does not.
_RELATIVE_WORDS = {
    "more_than_ago": {True: "more than {} ago", False: "less than {} ago"},
    "within_last": {True: "less than {} ago", False: "not within the last {}"},
    "within_next": {True: "within the next {}", False: "not within the next {}"},
    "more_than_ahead": {True: "more than {} ahead", False: "not more than {} ahead"},
}
