"""Recognising a database read of the ServiceTitan mirror as an event trigger.

The old n8n workflows polled the ``st_*`` tables on a schedule ("open estimates over $1,000").
Here the sync announces every change as it happens, so a poll of one mirror table whose
filter is a plain list of comparisons becomes a trigger on that resource's
created/updated events with the filter as the trigger conditions. The poll's time window
(``modified_on > now() - interval '1 day'``) is dropped: an event is the change itself.
Anything else — joins, OR, sub-queries, functions, columns the mirror has not — is not
recognised, and the report shows the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from workflows import entities

_SELECT = re.compile(
    r"""^\s*select\s+(?P<columns>.+?)\s+from\s+(?P<table>[\w."`]+)
        (?:\s+(?:as\s+)?(?P<alias>(?!where\b|order\b|limit\b)\w+))?
        (?:\s+where\s+(?P<where>.+?))?
        (?:\s+order\s+by\s+[\w.,\s"`]+?)?
        (?:\s+limit\s+\d+)?\s*;?\s*$""", re.IGNORECASE | re.DOTALL | re.VERBOSE)
_CONDITION = re.compile(
    r"""^(?P<column>[\w."`]+)\s*
        (?P<op>=|!=|<>|>=|<=|>|<|not\s+in\b|in\b|is\s+not\b|is\b|not\s+like\b|like\b)
        \s*(?P<value>.+?)$""", re.IGNORECASE | re.DOTALL | re.VERBOSE)
_TIME = re.compile(r"(?i)\bnow\s*\(\s*\)|\bcurrent_(date|timestamp)\b|\binterval\b|"
                   r"\blocaltimestamp\b")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_STRING = re.compile(r"^'((?:[^']|'')*)'$", re.DOTALL)
_NOT_READ = {"raw", "synced_at", "content_hash"}
OPS = {"=": "==", "!=": "!=", "<>": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<=",
       "in": "in", "not in": "not_in"}
# Postgres v2's "select" operation names its comparisons.
NAMED = {"equal": "=", "!=": "!=", ">": ">", "<": "<", ">=": ">=", "<=": "<=",
         "like": "like", "is null": "is", "is not null": "is not"}


@dataclass
class Recognised:
    entity: str                       # "estimate"
    table: str                        # "st_estimates"
    rule: dict[str, Any]              # the trigger conditions ({} : every change)
    notes: list[str] = field(default_factory=list)

    @property
    def trigger_event(self) -> str:
        return f"{self.entity}.created, {self.entity}.updated"


class NotRecognised(ValueError):
    """Why a query is not a recognisable read of the mirror."""


@cache
def mirror_tables() -> dict[str, tuple[str, frozenset[str]]]:
    """``{"st_estimates": ("estimate", {columns})}`` for every mirrored record type (the
    entity registry: workflows imports no ServiceTitan module)."""
    return {model._meta.db_table: (entity, frozenset(f.attname for f in model._meta.concrete_fields
                                                     if f.attname not in _NOT_READ))
            for entity, model in entities.ENTITY_MODELS.items()}


def recognise_query(query: str) -> Recognised:
    """A ``SELECT … FROM st_<table> [WHERE a AND b …]`` as a trigger; raises
    ``NotRecognised``."""
    match = _SELECT.match(query.removeprefix("="))
    if not match:
        raise NotRecognised("not a plain SELECT from one table")
    if "(" in match["columns"] or "{{" in query:
        raise NotRecognised("computed columns or expressions in the query")
    entity, columns = _table(match["table"])
    leaves, notes = [], []
    for part in _conjuncts(match["where"] or ""):
        condition = _CONDITION.match(part.strip())
        if not condition:
            raise NotRecognised(f"the condition {part.strip()[:80]!r}")
        leaf = _leaf(condition["column"], condition["op"], condition["value"].strip(),
                     columns, notes)
        if leaf is not None:
            leaves.append(leaf)
    return Recognised(entity, match["table"], _all(leaves), notes)


def recognise_select(table: Any, conditions: list[dict[str, Any]], combine: Any) -> Recognised:
    """Postgres/MySQL v2's "select" operation: a table and ``[{column, condition, value}]``."""
    if combine not in (None, "AND"):
        raise NotRecognised("conditions combined with OR")
    if not isinstance(table, str):
        raise NotRecognised("no table")
    entity, columns = _table(table)
    leaves, notes = [], []
    for item in conditions:
        named = str(item.get("condition", "equal")).lower()
        value = item.get("value", "")
        if named not in NAMED or (isinstance(value, str) and "{{" in value):
            raise NotRecognised(f"the condition on {item.get('column')!r}")
        sql_value = "null" if named.startswith("is") else (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool)
            else "'" + str(value).replace("'", "''") + "'")
        leaf = _leaf(str(item.get("column", "")), NAMED[named], sql_value, columns, notes)
        if leaf is not None:
            leaves.append(leaf)
    return Recognised(entity, table, _all(leaves), notes)


def _table(name: str) -> tuple[str, frozenset[str]]:
    table = name.replace('"', "").replace("`", "").rsplit(".", 1)[-1].lower()
    if table not in mirror_tables():
        raise NotRecognised(f"{table!r} is not a table of the ServiceTitan mirror")
    return mirror_tables()[table]


def _conjuncts(where: str) -> list[str]:
    """``where`` split at its top-level ANDs; refuses OR, BETWEEN and sub-queries."""
    parts, current, depth = [], [], 0
    for token in re.split(r"('(?:[^']|'')*'|\(|\)|\s+)", where):
        lowered = token.lower()
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth == 0 and lowered in ("or", "between", "select", "exists"):
            raise NotRecognised(f"{token.upper()} in the conditions")
        if depth == 0 and lowered == "and":
            parts.append("".join(current))
            current = []
        else:
            current.append(token)
    parts.append("".join(current))
    return [part for part in parts if part.strip()]


def _leaf(column: str, op: str, value: str, columns: frozenset[str],
          notes: list[str]) -> dict[str, Any] | None:
    name = column.replace('"', "").replace("`", "").rsplit(".", 1)[-1].lower()
    if _TIME.search(value):
        notes.append(f"the time window on {name} ({value[:60]}) is dropped: each change "
                     f"arrives as its own event")
        return None
    if name not in columns:
        raise NotRecognised(f"{name!r} is not a column of the mirror table")
    op = " ".join(op.lower().split())
    if op in ("is", "is not"):
        if value.lower() != "null":
            raise NotRecognised(f"{name} {op} {value[:40]}")
        return {"field": name, "op": "exists", "value": op == "is not"}
    if op in ("like", "not like"):
        return _like(name, op, value)
    if op in ("in", "not in"):
        items = value.strip()
        if not (items.startswith("(") and items.endswith(")")):
            raise NotRecognised(f"{name} {op} {value[:40]}")
        return {"field": name, "op": OPS[op],
                "value": [_literal(v.strip()) for v in _split_list(items[1:-1])]}
    return {"field": name, "op": OPS[op], "value": _literal(value)}


def _like(name: str, op: str, value: str) -> dict[str, Any]:
    pattern = _literal(value)
    if not isinstance(pattern, str) or "_" in pattern.strip("%") or "%" in pattern.strip("%"):
        raise NotRecognised(f"{name} {op} {value[:40]}")
    if pattern.startswith("%") and pattern.endswith("%") and len(pattern) > 1:
        leaf = {"field": name, "op": "contains", "value": pattern.strip("%")}
    elif pattern.endswith("%"):
        leaf = {"field": name, "op": "startswith", "value": pattern.rstrip("%")}
    elif "%" not in pattern:
        leaf = {"field": name, "op": "==", "value": pattern}
    else:
        raise NotRecognised(f"{name} {op} {value[:40]} (ends with)")
    return {"not": leaf} if op == "not like" else leaf


def _literal(text: str) -> Any:
    string = _STRING.match(text)
    if string:
        return string[1].replace("''", "'")
    if _NUMBER.match(text):
        return int(text) if "." not in text else float(text)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise NotRecognised(f"the value {text[:40]!r}")


def _split_list(text: str) -> list[str]:
    return re.findall(r"\s*('(?:[^']|'')*'|[^,']+?)\s*(?:,|$)", text)


def _all(leaves: list[dict[str, Any]]) -> dict[str, Any]:
    return leaves[0] if len(leaves) == 1 else {"all": leaves} if leaves else {}
