"""Contact search filters and sorting (``POST /contacts/search``).

The spec leaves the search body empty; GHL's search documentation describes filters as
``{field, operator, value}`` with operators eq, not_eq, contains, not_contains, exists,
not_exists and range (``{gte, lte, gt, lt}``), groupable as ``{group: "AND"|"OR", filters}``,
and sort as ``[{field, direction}]``. The sandbox implements that over the top-level contact
fields; date fields (dateAdded, dateUpdated) compare as instants, given as ISO strings or
epoch milliseconds. Anything else is refused with 422 rather than silently ignored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sandbox.ghl.data import epoch_ms, new_contact
from sandbox.ghl.store import GHLError

DATE_FIELDS = ("dateAdded", "dateUpdated")
# Every top-level field a contact has (from a blank one), except the per-channel DND block.
FILTERABLE = frozenset(new_contact(contact_id="x", moment=datetime.now(UTC))) - {"dndSettings"}
SORTABLE = (*DATE_FIELDS, "firstNameLowerCase", "lastNameLowerCase", "email")
OPERATORS = ("eq", "not_eq", "contains", "not_contains", "exists", "not_exists", "range")


def compile_filters(filters: list[Any], combine: str = "AND"):
    """A predicate over contacts, or 422 naming the first filter it cannot understand."""
    checks = [_compile_one(item) for item in filters]
    if combine == "OR":
        return lambda contact: any(check(contact) for check in checks)
    return lambda contact: all(check(contact) for check in checks)


def _compile_one(item: Any):
    if not isinstance(item, dict):
        raise GHLError(422, ["each filter must be an object"])
    if "group" in item:
        if item["group"] not in ("AND", "OR") or not isinstance(item.get("filters"), list):
            raise GHLError(422, ["a filter group needs group AND|OR and a filters array"])
        return compile_filters(item["filters"], item["group"])
    field, operator, value = item.get("field"), item.get("operator"), item.get("value")
    if field not in FILTERABLE:
        raise GHLError(422, [f"filter field must be one of: {', '.join(sorted(FILTERABLE))}"])
    if operator not in OPERATORS:
        raise GHLError(422, [f"filter operator must be one of: {', '.join(OPERATORS)}"])
    if operator == "range":
        if field not in DATE_FIELDS:
            raise GHLError(422, [f"range filters apply to {' and '.join(DATE_FIELDS)} only"])
        return _range(field, value)
    return lambda contact: _match(operator, _read(contact, field), _coerce(field, value))


def _match(operator: str, actual: Any, expected: Any) -> bool:
    text = str(actual or "").lower()
    return {
        "eq": lambda: _normal(actual) == _normal(expected),
        "not_eq": lambda: _normal(actual) != _normal(expected),
        "contains": lambda: str(expected).lower() in text,
        "not_contains": lambda: str(expected).lower() not in text,
        "exists": lambda: actual not in (None, "", []),
        "not_exists": lambda: actual in (None, "", []),
    }[operator]()


def _range(field: str, bounds: Any):
    if not isinstance(bounds, dict) or not set(bounds) <= {"gt", "gte", "lt", "lte"} or not bounds:
        raise GHLError(422, ["a range filter value needs gt, gte, lt or lte"])
    limits = {name: _coerce(field, limit) for name, limit in bounds.items()}

    def check(contact: dict[str, Any]) -> bool:
        actual = _read(contact, field)
        if actual is None:
            return False
        return all({"gt": actual > limit, "gte": actual >= limit, "lt": actual < limit,
                    "lte": actual <= limit}[name] for name, limit in limits.items())
    return check


def _read(contact: dict[str, Any], field: str) -> Any:
    value = contact.get(field)
    return epoch_ms(value) if field in DATE_FIELDS and value else value


def _coerce(field: str, value: Any) -> Any:
    if field not in DATE_FIELDS or isinstance(value, int | float):
        return value
    try:
        return int(datetime.fromisoformat(str(value)).timestamp() * 1000)
    except ValueError:
        raise GHLError(422, [f"{field} filter value must be a date"]) from None


def _normal(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def sort_key(sort: list[Any]):
    """The contacts' order: the requested field (default dateAdded), then id as tie-breaker.

    Returns (key function, descending). GHL's default order is unconfirmed; the sandbox
    uses dateAdded descending (newest first), id as tie-breaker.
    """
    spec = sort[0] if sort else {"field": "dateAdded", "direction": "desc"}
    if not isinstance(spec, dict) or spec.get("field") not in SORTABLE or \
            spec.get("direction", "asc") not in ("asc", "desc"):
        raise GHLError(422, [f"sort field must be one of: {', '.join(SORTABLE)}; "
                             f"direction asc or desc"])
    field = spec["field"]

    def key(contact: dict[str, Any]) -> tuple[Any, str]:
        value = _read(contact, field)
        return (value or 0 if field in DATE_FIELDS else _normal(value or "")), contact["id"]
    return key, spec.get("direction", "asc") == "desc"


def cursor_value(field_value: Any, sort: list[Any]) -> Any:
    """A ``searchAfter`` sort value read back in the sort field's type."""
    field = sort[0]["field"] if sort else "dateAdded"
    if field in DATE_FIELDS:
        if isinstance(field_value, bool) or not isinstance(field_value, int | float | str):
            raise GHLError(422, ["searchAfter must be [sort value, contact id]"])
        try:
            return int(field_value)
        except ValueError:
            raise GHLError(422, ["searchAfter must be [sort value, contact id]"]) from None
    return _normal(str(field_value))
