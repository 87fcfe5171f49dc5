"""The rule language of trigger conditions, cancel rules and the ``condition`` step.

A rule is JSON::

    {"all": [rule, ...]}    every rule passes (an empty list passes)
    {"any": [rule, ...]}    at least one passes
    {"not": rule}
    {"field": "total", "op": ">=", "value": 1000}     a leaf
    {}                      (top level only) always passes

Fields are dotted paths resolved by a ``Facts`` object (``workflows.facts``): into the event
payload or instance context first, then into related records (``customer.type``,
``location.address.state``, ``job.business_unit_id``). Numbers, decimals and numeric strings
("1250.00") compare numerically. A field that is missing fails every op except
``exists`` with ``"value": false``. ``changed``/``changed_to``/``changed_from`` look at the
event's ``changes`` (``{field: [old, new]}``; a status_changed event's
``old_status``/``new_status`` count as a change of ``status``).

``validate_rule`` rejects a bad rule with a message naming the bad part
(``trigger_conditions.all[1].op: unknown op '=>' …``); ``evaluate`` returns the verdict with
every leaf's actual value, for explain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.core.exceptions import ValidationError

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()
_NUMERIC = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
_FIELD = re.compile(r"^[A-Za-z_]\w*(\.\w+)*$")


class Facts(Protocol):
    def get(self, path: str) -> Any:
        """The value at ``path`` or ``MISSING``."""

    def change(self, name: str) -> tuple[Any, Any] | Any:
        """``(old, new)`` when the event changed ``name``, else ``MISSING``."""


def number(value: Any) -> Decimal | None:
    """``value`` as a Decimal when it is a number or a numeric string (never a bool)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str) and _NUMERIC.match(value):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def same(a: Any, b: Any) -> bool:
    na, nb = number(a), number(b)
    return na == nb if na is not None and nb is not None else a == b


def _compare(a: Any, b: Any) -> int | None:
    """-1/0/1 for comparable values (numbers numerically, strings as text), else None."""
    na, nb = number(a), number(b)
    if na is not None and nb is not None:
        a, b = na, nb
    elif not (isinstance(a, str) and isinstance(b, str)):
        return None
    return (a > b) - (a < b)


def _ordered(test: Callable[[int], bool]) -> Callable[[Any, Any], bool]:
    def op(actual: Any, expected: Any) -> bool:
        result = _compare(actual, expected)
        return result is not None and test(result)
    return op


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str):
        return isinstance(expected, str) and expected in actual
    if isinstance(actual, list | tuple):
        return any(same(item, expected) for item in actual)
    return False


@dataclass(frozen=True)
class Op:
    test: Callable[[Any, Any], bool]
    value: str            # what "value" must be: scalar, list, text, bool, none
    on_change: bool = False   # tests the (old, new) change instead of the field's value


OPS: dict[str, Op] = {
    "==": Op(same, "scalar"),
    "!=": Op(lambda a, b: not same(a, b), "scalar"),
    ">": Op(_ordered(lambda r: r > 0), "ordered"),
    ">=": Op(_ordered(lambda r: r >= 0), "ordered"),
    "<": Op(_ordered(lambda r: r < 0), "ordered"),
    "<=": Op(_ordered(lambda r: r <= 0), "ordered"),
    "in": Op(lambda a, b: any(same(a, x) for x in b), "list"),
    "not_in": Op(lambda a, b: not any(same(a, x) for x in b), "list"),
    "contains": Op(_contains, "scalar"),
    "startswith": Op(lambda a, b: isinstance(a, str) and a.startswith(b), "text"),
    "exists": Op(lambda a, b: a is not None, "bool"),
    "changed": Op(lambda change, b: True, "none", on_change=True),
    "changed_to": Op(lambda change, b: same(change[1], b), "scalar", on_change=True),
    "changed_from": Op(lambda change, b: same(change[0], b), "scalar", on_change=True),
}


# Relative dates compare with the moment an audience is evaluated: they exist in audience
# rules only (compiled to SQL, ``workflows.audiences.compiler``), as do ``has`` rules.
RELATIVE_OPS = ("more_than_ago", "within_last", "within_next", "more_than_ahead")


@dataclass
class Check:
    """One leaf as evaluated: where it is in the rule, what it asked, what it found."""

    where: str
    field: str
    op: str
    expected: Any
    actual: Any
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["actual"] = None if self.actual is MISSING else self.actual
        data["missing"] = self.actual is MISSING
        return data


@dataclass
class Verdict:
    passed: bool
    checks: list[Check] = field(default_factory=list)

    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


# --- validation -------------------------------------------------------------------------------

def validate_rule(rule: Any, where: str = "conditions") -> None:
    """Raise ``ValidationError`` naming the first bad part of ``rule``."""
    if rule == {}:
        return
    _validate(rule, where)


def _validate(rule: Any, where: str) -> None:
    if not isinstance(rule, Mapping) or not rule:
        raise ValidationError(f"{where}: a rule must be a non-empty JSON object, got {rule!r}")
    if "field" in rule or "op" in rule:
        _validate_leaf(rule, where)
        return
    if len(rule) != 1 or next(iter(rule)) not in ("all", "any", "not"):
        raise ValidationError(f"{where}: expected one of all/any/not or a leaf with field and "
                              f"op, got keys {sorted(rule)}")
    key, value = next(iter(rule.items()))
    if key == "not":
        _validate(value, f"{where}.not")
        return
    if not isinstance(value, list):
        raise ValidationError(f"{where}.{key}: must be a list of rules")
    for index, item in enumerate(value):
        _validate(item, f"{where}.{key}[{index}]")


def _validate_leaf(rule: Mapping, where: str) -> None:
    extra = set(rule) - {"field", "op", "value"}
    if extra:
        raise ValidationError(f"{where}: unknown keys {sorted(extra)} in a leaf")
    name, op_name = rule.get("field"), rule.get("op")
    if not isinstance(name, str) or not _FIELD.match(name):
        raise ValidationError(f"{where}.field: must be a dotted field name like "
                              f"'customer.type', got {name!r}")
    if op_name in RELATIVE_OPS:
        raise ValidationError(f"{where}.op: {op_name!r} compares with the time an audience is "
                              f"evaluated: it works in audience rules only")
    if op_name not in OPS:
        raise ValidationError(f"{where}.op: unknown op {op_name!r} (use one of "
                              f"{', '.join(OPS)})")
    _validate_value(OPS[op_name].value, rule, f"{where}.value", op_name)


def _validate_value(kind: str, rule: Mapping, where: str, op_name: str) -> None:
    value = rule.get("value", MISSING)
    if kind == "none" or (kind == "bool" and value is MISSING):
        if kind == "none" and value is not MISSING:
            raise ValidationError(f"{where}: {op_name!r} takes no value")
        return
    if value is MISSING:
        raise ValidationError(f"{where}: {op_name!r} needs a value")
    scalar = value is None or isinstance(value, str | int | float | bool | Decimal)
    problems = {
        "scalar": not scalar,
        "ordered": isinstance(value, bool) or not (number(value) is not None
                                                   or isinstance(value, str)),
        "list": not isinstance(value, list),
        "text": not isinstance(value, str),
        "bool": not isinstance(value, bool),
    }
    wanted = {"scalar": "a single value", "ordered": "a number or text",
              "list": "a list", "text": "text", "bool": "true or false"}
    if problems[kind]:
        raise ValidationError(f"{where}: {op_name!r} needs {wanted[kind]}, got {value!r}")


def rule_fields(rule: Any) -> list[str]:
    """The dotted field names a (valid) rule reads, in order."""
    if not isinstance(rule, Mapping) or not rule:
        return []
    if "field" in rule:
        return [rule["field"]]
    key, value = next(iter(rule.items()))
    parts = [value] if key == "not" else value
    return [name for part in parts for name in rule_fields(part)]


# --- evaluation -------------------------------------------------------------------------------

def evaluate(rule: Mapping[str, Any], facts: Facts, where: str = "conditions") -> Verdict:
    """Evaluate ``rule`` (assumed valid) against ``facts``. Every leaf is evaluated, even after
    the outcome is known, so explain can show all of them."""
    if not rule:
        return Verdict(True)
    checks: list[Check] = []
    return Verdict(_eval(rule, facts, where, checks), checks)


def _eval(rule: Mapping[str, Any], facts: Facts, where: str, checks: list[Check]) -> bool:
    if "not" in rule:
        return not _eval(rule["not"], facts, f"{where}.not", checks)
    for key, combine in (("all", all), ("any", any)):
        if key in rule:
            results = [_eval(r, facts, f"{where}.{key}[{i}]", checks)
                       for i, r in enumerate(rule[key])]
            return combine(results)
    check = _leaf(rule, facts, where)
    checks.append(check)
    return check.passed


def _leaf(rule: Mapping[str, Any], facts: Facts, where: str) -> Check:
    name, op = rule["field"], OPS[rule["op"]]
    expected = rule.get("value", True if rule["op"] == "exists" else None)
    if op.on_change:
        actual = facts.change(name)
        passed = actual is not MISSING and op.test(actual, expected)
        if actual is not MISSING:
            actual = list(actual)
    elif rule["op"] == "exists":
        actual = facts.get(name)
        passed = (actual is not MISSING and actual is not None) == expected
    else:
        actual = facts.get(name)
        passed = actual is not MISSING and op.test(actual, expected)
    return Check(where, name, rule["op"], expected, actual, bool(passed))
