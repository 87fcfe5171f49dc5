"""n8n conditions (IF, Filter, Switch) to our rule language (``workflows.conditions``).

Two formats are in use. The older one (IF v1, Filter v1, Switch v1–v2) lists comparisons by
data type: ``{"number": [{"value1", "operation", "value2"}], "string": [...]}``. The newer
"filter" format (IF v2+, Filter v2+, Switch v3+) is ``{"combinator": "and", "conditions":
[{"leftValue", "rightValue", "operator": {"type", "operation"}}]}``. Either way a comparison
carries over when one side is a reference to data (it becomes the rule's field) and the other
a literal; operations without a counterpart (ends with, regex, lengths) do not, and a
condition with any such part is reported whole rather than half-translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflows.conditions import number
from workflows.n8n.expressions import Translator
from workflows.placeholders import PREFIX

PLACEHOLDER_RULE = {"field": f"{PREFIX}condition", "op": "exists"}

# n8n operation → (our op, negated). Both formats' spellings.
OPERATIONS: dict[str, tuple[str, bool]] = {
    "equal": ("==", False), "equals": ("==", False),
    "notEqual": ("!=", False), "notEquals": ("!=", False),
    "larger": (">", False), "gt": (">", False), "after": (">", False),
    "largerEqual": (">=", False), "gte": (">=", False), "afterOrEquals": (">=", False),
    "smaller": ("<", False), "lt": ("<", False), "before": ("<", False),
    "smallerEqual": ("<=", False), "lte": ("<=", False), "beforeOrEquals": ("<=", False),
    "contains": ("contains", False), "notContains": ("contains", True),
    "startsWith": ("startswith", False), "notStartsWith": ("startswith", True),
}
FLIPPED = {"==": "==", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
# Operations that take no second value.
SINGLE = {"exists", "notExists", "isEmpty", "isNotEmpty", "empty", "notEmpty", "true", "false"}
# The older format's default operation per data type, when the export leaves it out.
DEFAULT_OPERATION = {"number": "smaller", "string": "equal", "boolean": "equal",
                     "dateTime": "after"}


@dataclass
class RuleResult:
    rule: dict[str, Any] | None          # None: not translatable (see problems)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rule_or_placeholder(self) -> dict[str, Any]:
        return self.rule if self.rule is not None else PLACEHOLDER_RULE


def combined(leaves: list[RuleResult], any_of: bool) -> RuleResult:
    problems = [p for leaf in leaves for p in leaf.problems]
    notes = list(dict.fromkeys(n for leaf in leaves for n in leaf.notes))
    if problems:
        return RuleResult(None, problems, notes)
    rules = [leaf.rule for leaf in leaves]
    if len(rules) == 1:
        return RuleResult(rules[0], [], notes)
    if not rules:
        return RuleResult({}, [], [*notes, "no conditions: always passes"])
    return RuleResult({"any" if any_of else "all": rules}, [], notes)


def typed_conditions(conditions: Any, any_of: bool, t: Translator) -> RuleResult:
    """The older format: ``{type: [{value1, operation, value2}, …]}``."""
    conditions = conditions if isinstance(conditions, Mapping) else {}
    leaves = []
    for kind in ("boolean", "dateTime", "number", "string"):
        for item in conditions.get(kind) or []:
            item = item if isinstance(item, Mapping) else {}
            operation = item.get("operation", DEFAULT_OPERATION[kind])
            leaves.append(comparison(item.get("value1", ""), operation, item.get("value2", ""),
                                     kind, t))
    return combined(leaves, any_of)


def filter_conditions(conditions: Any, t: Translator, ignore_case: bool = False) -> RuleResult:
    """The newer format: ``{combinator, conditions: [{leftValue, rightValue, operator}]}``."""
    conditions = conditions if isinstance(conditions, Mapping) else {}
    leaves = []
    for item in conditions.get("conditions") or []:
        item = item if isinstance(item, Mapping) else {}
        operator = item.get("operator") if isinstance(item.get("operator"), Mapping) else {}
        leaves.append(comparison(item.get("leftValue", ""), operator.get("operation", "equals"),
                                 item.get("rightValue", ""), operator.get("type", "string"), t))
    result = combined(leaves, str(conditions.get("combinator", "and")).lower() == "or")
    options = conditions.get("options") if isinstance(conditions.get("options"), Mapping) else {}
    if ignore_case or options.get("caseSensitive") is False:
        result.notes.append("n8n compared text ignoring case; our rules compare it exactly")
    return result


def comparison(left: Any, operation: Any, right: Any, kind: Any, t: Translator) -> RuleResult:
    """One comparison as a rule leaf (or a small rule for the "empty" tests)."""
    field_name = t.field(left)
    if operation in SINGLE:
        return _single(field_name, left, operation, kind)
    if operation not in OPERATIONS:
        return RuleResult(None, [f"the operation {operation!r} has no counterpart in our "
                                 f"rules"])
    op, negated = OPERATIONS[operation]
    if field_name is None:  # maybe written the other way round: 1000 < $json.total
        field_name = t.field(right)
        if field_name is None or op not in FLIPPED:
            return RuleResult(None, [f"{_show(left)} {operation} {_show(right)}: one side must "
                                     f"be a reference to data and the other a plain value"])
        op, right = FLIPPED[op], left
    value = typed(t.value(right), kind)
    if (isinstance(value, str) and "{{" in value) or isinstance(value, dict | list):
        return RuleResult(None, [f"{_show(left)} {operation} {_show(right)}: compares two "
                                 f"pieces of data; our rules compare a field with a value"])
    leaf: dict[str, Any] = {"field": field_name, "op": op, "value": value}
    notes = ["dates are compared as text (right for ISO dates)"] if kind == "dateTime" else []
    return RuleResult({"not": leaf} if negated else leaf, [], notes)


def _single(field_name: str | None, left: Any, operation: str, kind: Any) -> RuleResult:
    if field_name is None:
        return RuleResult(None, [f"{_show(left)} {operation}: the left side must be a "
                                 f"reference to data"])
    if operation in ("true", "false"):
        return RuleResult({"field": field_name, "op": "==", "value": operation == "true"})
    present = {"field": field_name, "op": "exists", "value": True}
    if operation in ("exists", "notExists"):
        return RuleResult(present if operation == "exists" else {**present, "value": False})
    empty = {"any": [{**present, "value": False}, {"field": field_name, "op": "==",
                                                   "value": ""}]}
    notes = ["an empty list or object counts as not empty"] if kind in ("array", "object") \
        else []
    return RuleResult(empty if operation in ("isEmpty", "empty") else {"not": empty}, [], notes)


def typed(value: Any, kind: Any) -> Any:
    """``value`` as the n8n data type ``kind`` says, when it is that type written as text."""
    if kind == "number" and isinstance(value, str) and number(value) is not None:
        return int(value) if value.strip().lstrip("-").isdigit() else float(value)
    if kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _show(value: Any) -> str:
    text = value[1:] if isinstance(value, str) and value.startswith("=") else value
    return repr(text) if not isinstance(text, str) else text.strip()[:120]
