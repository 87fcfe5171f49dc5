"""n8n conditions, in both formats, to our rules — or reported whole when any part has no
counterpart."""

import pytest

from workflows.conditions import validate_rule
from workflows.n8n.expressions import Prefix, Translator
from workflows.n8n.rules import comparison, filter_conditions, typed_conditions

RECORD = Prefix("entity")


def t() -> Translator:
    return Translator(lambda ref: RECORD.path(ref.keys) if ref.node is None else None)


def leaf(field, op, value):
    return {"field": f"entity.{field}", "op": op, "value": value}


def test_the_older_typed_format_lists_comparisons_by_type():
    result = typed_conditions({
        "number": [{"value1": "={{ $json.total }}", "operation": "largerEqual", "value2": 1000}],
        "string": [{"value1": "={{ $json.status }}", "value2": "Open"}],  # equal by default
        "boolean": [{"value1": "={{ $json.active }}", "value2": True}],
    }, any_of=False, t=t())
    assert result.rule == {"all": [leaf("active", "==", True), leaf("total", ">=", 1000),
                                   leaf("status", "==", "Open")]}
    validate_rule(result.rule)


def test_the_filter_format_combines_with_its_combinator():
    result = filter_conditions({"combinator": "or", "conditions": [
        {"leftValue": "={{ $json.total }}", "rightValue": "250",
         "operator": {"type": "number", "operation": "lt"}},
        {"leftValue": "={{ $json.summary }}", "operator": {"type": "string",
                                                           "operation": "notEmpty"}},
    ]}, t())
    assert result.rule == {"any": [leaf("total", "<", 250), {"not": {"any": [
        {"field": "entity.summary", "op": "exists", "value": False},
        leaf("summary", "==", "")]}}]}
    validate_rule(result.rule)


@pytest.mark.parametrize(("operation", "right", "rule"), [
    ("equals", "Open", leaf("status", "==", "Open")),
    ("notEquals", "Open", leaf("status", "!=", "Open")),
    ("contains", "urn", leaf("status", "contains", "urn")),
    ("notContains", "urn", {"not": leaf("status", "contains", "urn")}),
    ("startsWith", "Op", leaf("status", "startswith", "Op")),
    ("notStartsWith", "Op", {"not": leaf("status", "startswith", "Op")}),
    ("exists", None, leaf("status", "exists", True)),
    ("notExists", None, leaf("status", "exists", False)),
    ("true", None, leaf("status", "==", True)),
    ("after", "2025-01-01", leaf("status", ">", "2025-01-01")),
])
def test_each_operation_with_a_counterpart_maps(operation, right, rule):
    assert comparison("={{ $json.status }}", operation, right, "string", t()).rule == rule


@pytest.mark.parametrize("operation", ["endsWith", "regex", "notRegex", "lengthGt", "isBlank"])
def test_an_operation_without_a_counterpart_is_reported(operation):
    result = comparison("={{ $json.status }}", operation, "x", "string", t())
    assert result.rule is None and f"{operation!r} has no counterpart" in result.problems[0]


def test_a_condition_written_the_other_way_round_is_turned_round():
    assert comparison("1000", "smaller", "={{ $json.total }}", "number", t()).rule == \
        leaf("total", ">", 1000)


def test_two_pieces_of_data_compared_are_reported():
    result = comparison("={{ $json.a }}", "equals", "={{ $json.b }}", "string", t())
    assert result.rule is None and "compares two pieces of data" in result.problems[0]


def test_one_untranslatable_part_reports_the_whole_condition():
    result = filter_conditions({"combinator": "and", "conditions": [
        {"leftValue": "={{ $json.total }}", "rightValue": 5,
         "operator": {"type": "number", "operation": "gt"}},
        {"leftValue": "={{ $json.name.toLowerCase() }}", "rightValue": "x",
         "operator": {"type": "string", "operation": "equals"}}]}, t())
    assert result.rule is None
    assert result.rule_or_placeholder == {"field": "placeholder.condition", "op": "exists"}


def test_ignoring_case_and_comparing_dates_are_noted():
    result = filter_conditions({"options": {"caseSensitive": False}, "conditions": [
        {"leftValue": "={{ $json.on }}", "rightValue": "2025-01-01",
         "operator": {"type": "dateTime", "operation": "before"}}]}, t())
    assert result.rule == leaf("on", "<", "2025-01-01")
    assert any("ignoring case" in n for n in result.notes)
    assert any("dates are compared as text" in n for n in result.notes)
