from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from workflows.conditions import MISSING, evaluate, validate_rule


class Facts:
    """Plain facts: a dict of values and a dict of changes."""

    def __init__(self, values=None, changes=None):
        self.values, self.changes = values or {}, changes or {}

    def get(self, path):
        return self.values.get(path, MISSING)

    def change(self, name):
        return tuple(self.changes[name]) if name in self.changes else MISSING


def passes(op, actual, value=None, **kw):
    rule = {"field": "f", "op": op, **({"value": value} if value is not None else {}), **kw}
    validate_rule(rule)
    return evaluate(rule, Facts({"f": actual} if actual is not MISSING else {})).passed


@pytest.mark.parametrize(("op", "actual", "value", "expected"), [
    ("==", "Open", "Open", True),
    ("==", "Open", "Sold", False),
    ("!=", "Open", "Sold", True),
    ("!=", "Open", "Open", False),
    (">", "1250.00", 1000, True),
    (">", "1000.00", 1000, False),
    (">=", "1000.00", 1000, True),
    (">=", "999.99", 1000, False),
    ("<", Decimal("5.5"), 6, True),
    ("<", 7, 6, False),
    ("<=", 6.0, "6", True),
    ("<=", "6.01", 6, False),
    ("in", "Sold", ["Sold", "Dismissed"], True),
    ("in", "Open", ["Sold", "Dismissed"], False),
    ("not_in", "Open", ["Sold", "Dismissed"], True),
    ("not_in", "Sold", ["Sold", "Dismissed"], False),
    ("contains", "Heat pump install", "pump", True),
    ("contains", "Furnace", "pump", False),
    ("contains", [501, 502], 502, True),
    ("startswith", "+1555", "+1", True),
    ("startswith", "+4420", "+1", False),
])
def test_each_op_compares_as_documented(op, actual, value, expected):
    assert passes(op, actual, value) is expected


def test_decimal_strings_compare_numerically_not_as_text():
    assert passes(">", "999.00", "1000") is False
    assert passes("==", "1250.00", Decimal("1250")) is True


def test_in_matches_numbers_whatever_their_spelling():
    assert passes("in", "501", [501, 502]) is True


def test_ordering_text_against_a_number_fails_rather_than_raising():
    assert passes(">", "Open", 1000) is False


def test_exists_is_true_for_a_present_value_and_false_for_null_or_missing():
    assert passes("exists", "x") is True
    assert passes("exists", None) is False
    assert passes("exists", MISSING) is False


def test_exists_false_passes_when_the_field_is_missing():
    assert passes("exists", MISSING, False) is True


@pytest.mark.parametrize("op", ["==", "!=", ">", "in", "not_in", "contains", "startswith"])
def test_a_missing_field_fails_every_comparison(op):
    value = ["x"] if op in ("in", "not_in") else "x"
    assert passes(op, MISSING, value) is False


def test_changed_passes_only_when_the_field_changed():
    rule = {"field": "status", "op": "changed"}
    assert evaluate(rule, Facts(changes={"status": ["Open", "Sold"]})).passed
    assert not evaluate(rule, Facts(changes={"total": ["1", "2"]})).passed


def test_changed_to_and_changed_from_look_at_the_new_and_old_value():
    facts = Facts(changes={"status": ["Open", "Sold"]})
    assert evaluate({"field": "status", "op": "changed_to", "value": "Sold"}, facts).passed
    assert evaluate({"field": "status", "op": "changed_from", "value": "Open"}, facts).passed
    assert not evaluate({"field": "status", "op": "changed_to", "value": "Open"}, facts).passed


def test_changed_to_compares_money_numerically():
    facts = Facts(changes={"total": ["900.00", "1000.00"]})
    assert evaluate({"field": "total", "op": "changed_to", "value": 1000}, facts).passed


def test_all_any_and_not_combine_leaves():
    facts = Facts({"status": "Open", "total": "1250.00"})
    rule = {"all": [{"field": "status", "op": "==", "value": "Open"},
                    {"any": [{"field": "total", "op": ">", "value": 5000},
                             {"not": {"field": "total", "op": "<", "value": 1000}}]}]}
    assert evaluate(rule, facts).passed


def test_an_empty_rule_always_passes():
    assert evaluate({}, Facts()).passed


def test_every_leaf_is_reported_with_its_actual_value_and_place():
    facts = Facts({"status": "Open"})
    rule = {"any": [{"field": "status", "op": "==", "value": "Open"},
                    {"field": "total", "op": ">=", "value": 1000}]}
    checks = [c.as_dict() for c in evaluate(rule, facts).checks]
    assert checks[0] | {} == {"where": "conditions.any[0]", "field": "status", "op": "==",
                              "expected": "Open", "actual": "Open", "passed": True,
                              "missing": False}
    assert checks[1]["missing"] is True and checks[1]["passed"] is False


@pytest.mark.parametrize(("rule", "message"), [
    ({"field": "total", "op": "=>", "value": 1}, "conditions.op: unknown op '=>'"),
    ({"all": [{"field": "a", "op": "=="}]}, "conditions.all[0].value: '==' needs a value"),
    ({"any": {"field": "a"}}, "conditions.any: must be a list of rules"),
    ({"field": "bad field", "op": "==", "value": 1}, "conditions.field: must be a dotted"),
    ({"field": "a", "op": "in", "value": "Sold"}, "conditions.value: 'in' needs a list"),
    ({"field": "a", "op": "changed", "value": 1}, "conditions.value: 'changed' takes no"),
    ({"field": "a", "op": ">", "value": [1]}, "conditions.value: '>' needs a number or text"),
    ({"not": {}}, "conditions.not: a rule must be a non-empty JSON object"),
    ({"all": [], "any": []}, "conditions: expected one of all/any/not"),
    ({"field": "a", "op": "==", "value": 1, "extra": 2}, "conditions: unknown keys ['extra']"),
    ({"field": "a", "op": "exists", "value": "yes"}, "conditions.value: 'exists' needs true"),
])
def test_an_invalid_rule_is_refused_with_a_message_pointing_at_the_bad_part(rule, message):
    with pytest.raises(ValidationError) as error:
        validate_rule(rule)
    assert message in error.value.messages[0]


def test_a_relative_date_in_an_event_rule_is_refused_as_audience_only():
    with pytest.raises(ValidationError, match="'within_next' compares with the time an audience "
                                              "is evaluated: it works in audience rules only"):
        validate_rule({"field": "to_date", "op": "within_next", "value": "30d"})
