"""From a ServiceTitan record to a row of its ``st_*`` table.

``Shape`` says how records of one kind become rows: the table (model), the typed columns and
where each comes from, which column is the status, and which milestones (``job.completed``)
the change events announce. ``Shape.row(record)`` gives a ``Row``: the typed values, the raw
JSON text to store, a content digest that tells an unchanged re-delivery from a change, and
the warnings about values that did not fit their columns (stored as NULL or the column's
fallback instead; the record is stored whole all the same).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import models

from servicetitan.convert import (
    Parser,
    RecordError,
    Source,
    UnfitValue,
    dig,
    fallback_for,
    flag,
    parser_for,
    when,
)

# Every mirror row has these, from the same record fields.
COMMON = {"active": flag("active"), "created_on": when("createdOn"),
          "modified_on": when("modifiedOn")}
# A NUL escape not itself escaped: PostgreSQL cannot store U+0000 in jsonb or text.
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
NUL_WARNING = ("the record holds NUL characters, which PostgreSQL cannot store: they are "
               "stored as U+FFFD")


@dataclass(frozen=True)
class Milestone:
    """An event announced when a row first reaches a state (``job.completed``)."""

    event_type: str
    reached: Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Row:
    id: int
    values: dict[str, Any]   # typed column values, id included (the event snapshot)
    raw: Any                 # the record as received
    raw_json: str            # ... as JSON text, for the raw column
    digest: int              # content digest (signed 64 bits), stored in content_hash
    warnings: tuple[str, ...] = ()  # values that did not fit their columns, and what was stored


@dataclass
class Shape:
    entity: str                                  # singular: the events' entity_type
    model: type[models.Model]
    columns: dict[str, Source]                   # column name -> source, besides COMMON
    status: str | None = None                    # the column whose changes are status changes
    milestones: tuple[Milestone, ...] = ()
    computed: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)
    # (column, keys of its source, parser, what it holds when the value does not fit)
    parsers: list[tuple[str, tuple[str, ...], Parser, Any]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sources = {**COMMON, **self.columns}
        opts = self.model._meta
        self.parsers = [(name, source.keys, parser_for(source, opts.get_field(name)),
                         fallback_for(source, opts.get_field(name)))
                        for name, source in sources.items()]
        if self.status is not None:
            assert self.status in sources, f"{self.entity}: unknown status column"

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def column_names(self) -> list[str]:
        """The typed columns, id first (the order of ``Row.values``)."""
        return ["id", *(name for name, _, _, _ in self.parsers), *self.computed]

    def row(self, record: Any, extra: dict[str, Any] | None = None) -> Row:
        """The row for ``record``; ``extra`` gives the values of columns the record itself
        lacks (an embedded item's parent id). Raises ``RecordError`` only for a record that
        cannot be stored at all (not an object, no usable id). A value that does not fit its
        column leaves the column's fallback and a warning naming the field."""
        if not isinstance(record, dict):
            raise RecordError(f"the record is not a JSON object: {_short(record)}")
        record_id = record.get("id")
        if type(record_id) is not int or not 0 < record_id < 2**63:
            raise RecordError(f"id: {_short(record_id)} is not an id")
        data = encode(record)
        warnings = []
        if b"\\u0000" in data and _NUL.search(data):
            data, record = without_nul(data)
            warnings.append(NUL_WARNING)
        values: dict[str, Any] = {"id": record_id}
        for name, keys, parse, fallback in self.parsers:
            if extra and name in extra:
                values[name] = extra[name]
                continue
            value = record.get(keys[0]) if len(keys) == 1 else dig(record, keys)
            try:
                values[name] = parse(value)
            except UnfitValue as error:
                values[name] = fallback
                warnings.append(f"{'.'.join(keys)}: {error}; stored as {_shown(fallback)}")
        for name, compute in self.computed.items():
            values[name] = compute(values)
        marker = repr((values["active"], sorted(extra.items()) if extra else None))
        return Row(record_id, values, record, data.decode(), digest(data, marker.encode()),
                   tuple(warnings) if warnings else ())


def encode(record: Any) -> bytes:
    """Canonical JSON (sorted keys)."""
    try:
        return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits: orjson refuses it, json keeps it exact
        return json.dumps(record, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")).encode()


def without_nul(data: bytes) -> tuple[bytes, Any]:
    """``data`` with every NUL escape replaced by U+FFFD (PostgreSQL can store neither
    U+0000 in jsonb nor in text), and the record it now encodes."""
    data = _NUL.sub(lambda found: found[0][:-6] + rb"\ufffd", data)
    return data, json.loads(data)  # json, not orjson: it keeps integers beyond 64 bits


def digest(*parts: bytes) -> int:
    """A signed 64-bit digest of ``parts`` (fits a bigint column)."""
    # SHA-1 for speed (CPU instructions for it): this detects changes, it is no signature.
    hasher = hashlib.sha1()  # noqa: S324
    for part in parts:
        hasher.update(part)
    return int.from_bytes(hasher.digest()[:8], "big", signed=True)


def record_id_of(record: Any) -> Any:
    """The id a rejected record claims, for the sync log (anything JSON can hold)."""
    return record.get("id") if isinstance(record, dict) else None


def _shown(value: Any) -> str:
    """A column value as a warning names it."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "empty text" if value == "" else repr(value)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
