"""Recognising a database read of the ServiceTitan mirror as an event or audience trigger.

The old n8n workflows polled the ``st_*`` tables on a schedule ("open estimates over $1,000").
Here the sync announces every change as it happens, so a poll of one mirror table whose
filter is a plain list of comparisons becomes a trigger on that resource's
created/updated events with the filter as the trigger conditions. The poll's time window
(``modified_on > now() - interval '1 day'``) is dropped: an event is the change itself.

A read whose filter compares a date with the present in another way ("``to_date <= now() +
interval '30 days'``", "``installed_on < now() - interval '10 years'``", "``created_on <
now() - interval '3 days'``") selects records by their age, not by their changes: that is an
audience, and its windows become relative dates (``windows``; ``Recognised.is_poll`` tells
which). Anything else — joins, OR, sub-queries, functions, columns the mirror has not — is
not recognised, and the report shows the query.
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
                   r"\blocaltimestamp\b|\bcurdate\s*\(")
# The present, optionally moved: now() - interval '10 years', CURRENT_DATE + INTERVAL 30 DAY.
_WINDOW = re.compile(
    r"""^(?:now\s*\(\s*\)|current_date|current_timestamp|localtimestamp|curdate\s*\(\s*\))
        (?:\s*(?P<sign>[+-])\s*interval\s*'?\s*(?P<count>\d+)\s*(?P<unit>[a-z]+)\s*'?)?
        (?:\s*::\s*\w+)?$""", re.IGNORECASE | re.VERBOSE)
_PERIOD_UNITS = {"day": "d", "week": "w", "month": "mo", "mon": "mo", "year": "y"}
# (sign of the interval, comparison) → the relative date it means.
_RELATIVE = {("-", "<"): "more_than_ago", ("-", "<="): "more_than_ago",
             ("-", ">"): "within_last", ("-", ">="): "within_last",
             ("+", ">"): "more_than_ahead", ("+", ">="): "more_than_ahead",
             ("+", "<"): "within_next", ("+", "<="): "within_next"}
# A window on these columns reaching back from now is how a poll asks "what changed lately".
POLL_COLUMNS = ("modified_on", "created_on")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_STRING = re.compile(r"^'((?:[^']|'')*)'$", re.DOTALL)
_NOT_READ = {"raw", "synced_at", "content_hash"}
OPS = {"=": "==", "!=": "!=", "<>": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<=",
       "in": "in", "not in": "not_in"}
# Postgres v2's "select" operation names its comparisons.
NAMED = {"equal": "=", "!=": "!=", ">": ">", "<": "<", ">=": ">=", "<=": "<=",
         "like": "like", "is null": "is", "is not null": "is not"}


@dataclass(frozen=True)
class Window:
    """A comparison of a date column with the present, moved by a period or not."""

    column: str
    op: str                  # a relative-date op, or "" for the present itself
    period: str | None       # "30d"; None for the present or a period in minutes or hours
    text: str                # the condition as written

    @property
    def polls(self) -> bool:
        return self.column in POLL_COLUMNS and self.op in ("within_last", "")

    def leaf(self) -> dict[str, Any]:
        return {"field": self.column, "op": self.op, "value": self.period}


@dataclass
class Recognised:
    entity: str                       # "estimate"
    table: str                        # "st_estimates"
    rule: dict[str, Any]              # the conditions without windows ({} : every record)
    notes: list[str] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)

    @property
    def trigger_event(self) -> str:
        return f"{self.entity}.created, {self.entity}.updated"

    @property
    def is_poll(self) -> bool:
        """Only "what changed lately" windows: the read is a poll for changes (events)."""
        return all(w.polls for w in self.windows)

    def dropped_windows(self) -> list[str]:
        return [f"the time window on {w.column} ({w.text[:60]}) is dropped: each change "
                f"arrives as its own event" for w in self.windows]

    def audience_rule(self) -> dict[str, Any]:
        """The conditions with the windows as relative dates (an audience); raises
        ``NotRecognised`` for a window an audience cannot express."""
        leaves, bounded = _leaves(self.rule), {w.column for w in self.windows if w.op}
        for window in self.windows:
            if window.polls and window.op == "within_last":
                continue   # a poll's "changed lately": the audience is evaluated daily anyway
            if not window.op:
                if window.column in bounded:
                    continue   # "to_date >= now()" beside "to_date <= now() + 30 days"
                raise NotRecognised(f"{window.column} compared with the present alone "
                                    f"({window.text[:60]})")
            if window.period is None:
                raise NotRecognised(f"the window on {window.column} ({window.text[:60]}) is "
                                    f"in minutes or hours; audiences count days")
            if window.op == "within_next" and not any(
                    w.column == window.column and not w.op for w in self.windows):
                self.notes.append(f"{window.text[:60]} also took dates already past; "
                                  f"{window.column} within_next takes today onwards")
            leaves.append(window.leaf())
        return _all(leaves)


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
    found = Recognised(entity, match["table"], {})
    leaves = []
    for part in _conjuncts(match["where"] or ""):
        condition = _CONDITION.match(part.strip())
        if not condition:
            raise NotRecognised(f"the condition {part.strip()[:80]!r}")
        leaf = _leaf(condition["column"], condition["op"], condition["value"].strip(),
                     columns, found)
        if leaf is not None:
            leaves.append(leaf)
    found.rule = _all(leaves)
    return found


def recognise_select(table: Any, conditions: list[dict[str, Any]], combine: Any) -> Recognised:
    """Postgres/MySQL v2's "select" operation: a table and ``[{column, condition, value}]``."""
    if combine not in (None, "AND"):
        raise NotRecognised("conditions combined with OR")
    if not isinstance(table, str):
        raise NotRecognised("no table")
    entity, columns = _table(table)
    found = Recognised(entity, table, {})
    leaves = []
    for item in conditions:
        named = str(item.get("condition", "equal")).lower()
        value = item.get("value", "")
        if named not in NAMED or (isinstance(value, str) and "{{" in value):
            raise NotRecognised(f"the condition on {item.get('column')!r}")
        sql_value = "null" if named.startswith("is") else (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool)
            else "'" + str(value).replace("'", "''") + "'")
        leaf = _leaf(str(item.get("column", "")), NAMED[named], sql_value, columns, found)
        if leaf is not None:
            leaves.append(leaf)
    found.rule = _all(leaves)
    return found


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
          found: Recognised) -> dict[str, Any] | None:
    """A condition as a rule leaf; None for a comparison with the present (kept in
    ``found.windows``)."""
    name = column.replace('"', "").replace("`", "").rsplit(".", 1)[-1].lower()
    if name not in columns:
        raise NotRecognised(f"{name!r} is not a column of the mirror table")
    op = " ".join(op.lower().split())
    if _TIME.search(value):
        found.windows.append(_window(name, op, value))
        return None
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


def _window(name: str, op: str, value: str) -> Window:
    match = _WINDOW.match(value.strip())
    if match is None or op not in ("<", "<=", ">", ">="):
        raise NotRecognised(f"the time condition {name} {op} {value[:60]}")
    if match["sign"] is None:
        return Window(name, "", None, f"{name} {op} {value}")
    unit = match["unit"].lower().removesuffix("s")
    period = f"{int(match['count'])}{_PERIOD_UNITS[unit]}" if unit in _PERIOD_UNITS and \
        int(match["count"]) > 0 else None
    if unit not in _PERIOD_UNITS and unit not in ("minute", "hour", "second"):
        raise NotRecognised(f"the interval unit {match['unit']!r}")
    return Window(name, _RELATIVE[(match["sign"], op)], period, f"{name} {op} {value}")


def _leaves(rule: dict[str, Any]) -> list[dict[str, Any]]:
    return list(rule["all"]) if "all" in rule else [rule] if rule else []


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
