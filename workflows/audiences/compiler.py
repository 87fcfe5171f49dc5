"""Audience rules compiled to SQL: the rule language of ``workflows.conditions`` as Django
``Q`` objects over an entity's table, so PostgreSQL evaluates a whole audience in one query.

The structure is the same (``all``, ``any``, ``not``, leaves ``{"field", "op", "value"}``,
``{}`` for "every record"), with the ops of event rules except ``changed*`` (an audience has no
event), plus:

- **relative dates** on date and datetime fields, against the evaluation time
  (``workflows.audiences.periods``)::

      {"field": "installed_on", "op": "more_than_ago", "value": "10y"}
      {"field": "to_date", "op": "within_next", "value": "30d"}      today … today + 30 days
      {"field": "completed_on", "op": "within_last", "value": "12mo"}
      {"field": "to_date", "op": "more_than_ahead", "value": "1y"}

  ``more_than_ago`` and ``within_last`` are each other's opposite for a past date (the day
  exactly that period ago is within the last period), as are ``within_next`` and
  ``more_than_ahead`` for a future one.
- **existence over related records**: ``{"has": "job", "where": {rule on the job}}``, true
  when at least one related record passes ``where`` (any record when it is left out); ``not``
  it for "none" (``{"not": {"has": "job", "where": …}}``: no job completed in the last 12
  months). A related record belongs to the entity by ``<entity>_id`` when it has that column
  (a customer's jobs, a job's appointments), else by the customer both refer to; ``"by":
  "location"`` links through another shared reference.

A field that is empty (NULL) passes no comparison and no relative date, as a missing field in
an event rule; ``exists`` tests it. A related record that does not exist passes nothing.

``compile_rule`` validates as it compiles: a bad rule raises ``ValidationError`` naming the
part and the field (``audience.rule.all[1].field: 'instaled_on' is not a field of
installed_equipment an audience can compare; fields: …``). Top-level leaves (and ``has``
nodes) come back as ``Check``\\ s with an SQL expression of their actual value, for explain and
the preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_date, parse_datetime

from workflows import entities
from workflows.audiences import fields as fieldmap
from workflows.audiences.periods import Clock, Period, day_start, parse_period
from workflows.conditions import RELATIVE_OPS, number

COMPARE_OPS = ("==", "!=", ">", ">=", "<", "<=", "in", "not_in", "contains", "startswith",
               "exists")
OPS = (*COMPARE_OPS, *RELATIVE_OPS)
_LOOKUPS = {"==": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "in": "in",
            "contains": "contains", "startswith": "startswith"}
_OPS_BY_KIND = {
    "bool": ("==", "!=", "exists"),
    "int": ("==", "!=", ">", ">=", "<", "<=", "in", "not_in", "exists"),
    "number": ("==", "!=", ">", ">=", "<", "<=", "in", "not_in", "exists"),
    "text": COMPARE_OPS,
    "datetime": ("==", "!=", ">", ">=", "<", "<=", "exists", *RELATIVE_OPS),
    "date": ("==", "!=", ">", ">=", "<", "<=", "exists", *RELATIVE_OPS),
    "virtual": ("==", "!=", "exists"),
}
NOTHING = Q(pk__in=[])
# Q() means "no condition" only beside another condition with AND: ORed, Django drops it.
EVERYTHING = ~NOTHING


@dataclass
class Check:
    """A top-level leaf (or ``has``) as compiled: what explain and the preview show."""

    where: str
    field: str
    op: str
    expected: Any
    kind: str                     # the field's kind, or "has"
    value: Expression             # its actual value, per record
    test: Q                       # whether it passes, per record
    date_field: str = ""          # has: the date shown for the latest related record


@dataclass
class Compiled:
    q: Q
    checks: list[Check] = field(default_factory=list)


def compile_rule(rule: Any, entity_type: str, clock: Clock, where: str,
                 negated: bool = False) -> Compiled:
    """``rule`` over ``entity_type``'s table as of ``clock`` (``negated``: its opposite);
    ``{}`` (or None) matches every record.

    Negations are pushed down to the leaves (``not any[a, b]`` is ``all[not a, not b]``), so
    "none of these related records" reaches PostgreSQL as ``NOT EXISTS … AND NOT EXISTS …``,
    which it runs as anti-joins, rather than ``NOT (EXISTS … OR EXISTS …)``, which it runs
    once per row. Under a negation Django makes a comparison on an empty value pass, as a
    missing field passes ``not`` in an event rule."""
    if rule in ({}, None):
        return Compiled(NOTHING if negated else Q())
    compiler = _Compiler(clock)
    return Compiled(compiler.node(rule, entity_type, where, top=True, negated=negated),
                    compiler.checks)


class _Compiler:
    def __init__(self, clock: Clock):
        self.clock = clock
        self.checks: list[Check] = []

    def node(self, rule: Any, entity_type: str, where: str, top: bool,
             negated: bool = False) -> Q:
        if not isinstance(rule, Mapping) or not rule:
            raise ValidationError(f"{where}: a rule must be a non-empty JSON object, got "
                                  f"{rule!r}")
        if "has" in rule or "field" in rule or "op" in rule:
            test = self.has(rule, entity_type, where, top) if "has" in rule else \
                self.leaf(rule, entity_type, where, top)
            return ~test if negated else test
        if len(rule) != 1 or next(iter(rule)) not in ("all", "any", "not"):
            raise ValidationError(f"{where}: expected one of all/any/not/has or a leaf with "
                                  f"field and op, got keys {sorted(rule)}")
        key, value = next(iter(rule.items()))
        if key == "not":
            return self.node(value, entity_type, f"{where}.not", top, not negated)
        if not isinstance(value, list):
            raise ValidationError(f"{where}.{key}: must be a list of rules")
        every = (key == "all") != negated   # not all[…] is any[not …], not any[…] all[not …]
        combined = Q() if every else NOTHING
        for index, item in enumerate(value):
            part = self.node(item, entity_type, f"{where}.{key}[{index}]", top, negated)
            combined = combined & part if every else combined | part
        return EVERYTHING if every and not value else combined

    # --- leaves ---------------------------------------------------------------------------

    def leaf(self, rule: Mapping[str, Any], entity_type: str, where: str, top: bool) -> Q:
        extra = set(rule) - {"field", "op", "value"}
        if extra:
            raise ValidationError(f"{where}: unknown keys {sorted(extra)} in a leaf")
        name, op = rule.get("field"), rule.get("op")
        if not isinstance(name, str) or not name:
            raise ValidationError(f"{where}.field: must be a dotted field name like "
                                  f"'customer.do_not_mail', got {name!r}")
        found = fieldmap.resolve(entity_type, name, f"{where}.field")
        if op not in OPS:
            hint = " (changes belong to event rules)" if str(op).startswith("changed") else ""
            raise ValidationError(f"{where}.op: unknown op {op!r}{hint} (use one of "
                                  f"{', '.join(OPS)})")
        if op not in _OPS_BY_KIND[found.kind]:
            raise ValidationError(f"{where}.op: {op!r} does not apply to {name} (a "
                                  f"{found.kind} field; use one of "
                                  f"{', '.join(_OPS_BY_KIND[found.kind])})")
        expected = rule.get("value", True if op == "exists" else _ABSENT)
        test = self.test(found, op, expected, f"{where}.value")
        if top:
            self.checks.append(Check(where, name, op, expected, found.kind,
                                     _value(found), test))
        return test

    def test(self, found: fieldmap.Field, op: str, expected: Any, where: str) -> Q:
        if found.kind == "virtual":
            return self.virtual(found, op, expected, where)
        if op == "exists" and found.ref != "pk" and expected is False:
            # A record that does not exist has no value either (as a missing field).
            return ~_through(found, Q(**{f"{found.column}__isnull": False}))
        own = self.column(found.column, found.kind, op, expected, where)
        return own if found.ref == "pk" else _through(found, own)

    def virtual(self, found: fieldmap.Field, op: str, expected: Any, where: str) -> Q:
        if op == "exists":
            return Q() if expected is True else NOTHING
        if not isinstance(expected, bool):
            raise ValidationError(f"{where}: {found.name} is true or false, got {expected!r}")
        expression = fieldmap.virtual(found.owner, found.column).build(found.ref)
        test = Q(expression)
        return test if (op == "==") == expected else ~test

    def column(self, column: str, kind: str, op: str, expected: Any, where: str) -> Q:
        if op == "exists":
            if not isinstance(expected, bool):
                raise ValidationError(f"{where}: 'exists' needs true or false, got "
                                      f"{expected!r}")
            return Q(**{f"{column}__isnull": not expected})
        if expected is _ABSENT:
            raise ValidationError(f"{where}: {op!r} needs a value")
        # No "IS NOT NULL" here: a comparison with NULL is not true, and under a negation
        # Django adds the test itself (NOT (x = 1 AND x IS NOT NULL)) for a nullable column.
        if op in RELATIVE_OPS:
            return self.relative(column, kind, op, parse_period(expected, where))
        if kind in ("date", "datetime"):
            return _moment_test(column, kind, op, expected, where, self.clock)
        if op == "==" and expected is None:
            return Q(**{f"{column}__isnull": True})
        if op in ("!=", "not_in"):
            positive = "==" if op == "!=" else "in"
            return ~Q(**{f"{column}__{_LOOKUPS[positive]}":
                         _coerce(kind, positive, expected, where)})
        return Q(**{f"{column}__{_LOOKUPS[op]}": _coerce(kind, op, expected, where)})

    def relative(self, column: str, kind: str, op: str, period: Period) -> Q:
        clock = self.clock
        if kind == "datetime":
            back, ahead = clock.instant(period, -1), clock.instant(period, 1)
            ranges = {"more_than_ago": Q(**{f"{column}__lt": back}),
                      "within_last": Q(**{f"{column}__gte": back, f"{column}__lte": clock.now}),
                      "within_next": Q(**{f"{column}__gte": clock.now,
                                          f"{column}__lte": ahead}),
                      "more_than_ahead": Q(**{f"{column}__gt": ahead})}
            return ranges[op]
        today, one = clock.today, timedelta(days=1)
        back, ahead = day_start(clock.day(period, -1)), day_start(clock.day(period, 1) + one)
        ranges = {"more_than_ago": Q(**{f"{column}__lt": back}),
                  "within_last": Q(**{f"{column}__gte": back,
                                      f"{column}__lt": day_start(today + one)}),
                  "within_next": Q(**{f"{column}__gte": day_start(today),
                                      f"{column}__lt": ahead}),
                  "more_than_ahead": Q(**{f"{column}__gte": ahead})}
        return ranges[op]

    # --- has ------------------------------------------------------------------------------

    def has(self, rule: Mapping[str, Any], entity_type: str, where: str, top: bool) -> Q:
        extra = set(rule) - {"has", "where", "by"}
        if extra:
            raise ValidationError(f"{where}: unknown keys {sorted(extra)} in a has rule "
                                  f"(has, where, by)")
        related = rule["has"]
        if related not in entities.ENTITY_MODELS:
            raise ValidationError(f"{where}.has: {related!r} is not a record type; use one of "
                                  f"{', '.join(sorted(entities.ENTITY_MODELS))}")
        link = _link(entity_type, related, rule.get("by"), f"{where}.by")
        inner = _Compiler(self.clock)
        condition = rule.get("where") or {}
        inner_q = Q() if condition == {} else inner.node(condition, related, f"{where}.where",
                                                         top=False)
        records = fieldmap.model_of(related).objects.filter(link).filter(inner_q)
        test = Q(Exists(records))
        if top:
            shown = _date_field(condition, related)
            self.checks.append(Check(where, f"has {related}", "has", condition, "has",
                                     _latest(records, shown), test, shown))
        return test


_ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "<absent>"})()


def _through(found: fieldmap.Field, test: Q) -> Q:
    """``test`` on the record the entity refers to by ``found.ref``."""
    return Q(Exists(fieldmap.model_of(found.owner).objects.filter(pk=OuterRef(found.ref))
                    .filter(test)))


def _value(found: fieldmap.Field) -> Expression:
    if found.kind == "virtual":
        return ExpressionWrapper(Q(fieldmap.virtual(found.owner, found.column).build(found.ref)),
                                 output_field=BooleanField())
    if found.ref == "pk":
        return F(found.column)
    return Subquery(fieldmap.model_of(found.owner).objects.filter(pk=OuterRef(found.ref))
                    .values(found.column)[:1])


def _latest(records, date_field: str) -> Expression:
    """The latest related record passing the rule, as ``{"id", <date_field>}`` (JSON)."""
    shown = {"id": F("pk"), **({date_field: F(date_field)} if date_field else {})}
    order = [F(date_field).desc(nulls_last=True), "-pk"] if date_field else ["-pk"]
    return Subquery(records.order_by(*order).values(json=JSONObject(**shown))[:1])


def _date_field(rule: Any, entity_type: str) -> str:
    """The first own date field a rule compares by a relative date (what "last job
    2026-03-01" shows), else ""."""
    if isinstance(rule, Mapping):
        if rule.get("op") in RELATIVE_OPS and "." not in str(rule.get("field")):
            return str(rule["field"])
        for value in rule.values():
            found = _date_field(value, entity_type)
            if found:
                return found
    if isinstance(rule, list):
        for item in rule:
            found = _date_field(item, entity_type)
            if found:
                return found
    return ""


def _link(outer: str, related: str, by: Any, where: str) -> Q:
    """How a ``related`` record belongs to an ``outer`` one (see the module docstring)."""
    if by is None and fieldmap.has_column(related, f"{outer}_id"):
        return Q(**{f"{outer}_id": OuterRef("pk")})
    by = "customer" if by is None else by
    if by not in entities.ENTITY_MODELS:
        raise ValidationError(f"{where}: {by!r} is not a record type")
    outer_ref = "pk" if outer == by else f"{by}_id"
    related_col = "pk" if related == by else f"{by}_id"
    for entity_type, column in ((outer, outer_ref), (related, related_col)):
        if column != "pk" and not fieldmap.has_column(entity_type, column):
            raise ValidationError(f"{where}: a {entity_type} does not refer to a {by} (it has "
                                  f"no {column}), so its {related} records cannot be found "
                                  f"through one")
    return Q(**{related_col: OuterRef(outer_ref)})


def _coerce(kind: str, op: str, value: Any, where: str) -> Any:
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ValidationError(f"{where}: {op!r} needs a non-empty list, got {value!r}")
        return [_scalar(kind, item, f"{where}[{i}]") for i, item in enumerate(value)]
    if op in ("contains", "startswith") and not isinstance(value, str):
        raise ValidationError(f"{where}: {op!r} needs text, got {value!r}")
    return _scalar(kind, value, where)


def _scalar(kind: str, value: Any, where: str) -> Any:
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValidationError(f"{where}: needs true or false, got {value!r}")
        return value
    if kind in ("int", "number"):
        found = number(value)
        if found is None or (kind == "int" and found != found.to_integral_value()):
            raise ValidationError(f"{where}: needs a {'whole ' if kind == 'int' else ''}"
                                  f"number, got {value!r}")
        return int(found) if kind == "int" else found
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValidationError(f"{where}: needs text, got {value!r}")
    return str(value)


def _moment_test(column: str, kind: str, op: str, value: Any, where: str, clock: Clock) -> Q:
    """An absolute date or time: a date names a whole day (the UTC day of a date field, the
    business time zone's day of a datetime field), a time with a zone (or in the business
    time zone) one moment."""
    start, end = _moment(kind, value, where, clock)
    tests = {"==": Q(**{f"{column}__gte": start, f"{column}__lt": end}) if end != start
             else Q(**{column: start}),
             "<": Q(**{f"{column}__lt": start}),
             "<=": Q(**{f"{column}__lt": end}) if end != start else Q(**{f"{column}__lte": end}),
             ">": Q(**{f"{column}__gte": end}) if end != start else Q(**{f"{column}__gt": end}),
             ">=": Q(**{f"{column}__gte": start})}
    if op == "!=":
        return ~tests["=="]
    return tests[op]


def _moment(kind: str, value: Any, where: str, clock: Clock) -> tuple[datetime, datetime]:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is not None and ("T" in value or " " in value):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.zone)
        return moment, moment
    day = parse_date(value) if isinstance(value, str) else None
    if day is None:
        raise ValidationError(f"{where}: needs a date (2026-03-01) or a time "
                              f"(2026-03-01T09:00:00-05:00), got {value!r}")
    if kind == "date":
        return day_start(day), day_start(day + timedelta(days=1))
    local = datetime.combine(day, time(), tzinfo=clock.zone)
    return local, datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.zone)
