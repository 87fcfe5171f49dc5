"""From a ServiceTitan record to a row of its ``st_*`` table.

``Shape`` says how records of one kind become rows: the table (model), the typed columns and
where each comes from, which column is the status, and which milestones (``job.completed``)
the change events announce. ``Shape.row(record)`` gives a ``Row``: the typed values, the raw
JSON text to store and a content digest that tells an unchanged re-delivery from a change.
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

from servicetitan.convert import Parser, RecordError, Source, dig, flag, parser_for, when

# Every mirror row has these, from the same record fields.
COMMON = {"active": flag("active"), "created_on": when("createdOn"),
          "modified_on": when("modifiedOn")}
# A NUL escape not itself escaped: PostgreSQL cannot store U+0000 in jsonb or text.
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


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


@dataclass
class Shape:
    entity: str                                  # singular: the events' entity_type
    model: type[models.Model]
    columns: dict[str, Source]                   # column name -> source, besides COMMON
    status: str | None = None                    # the column whose changes are status changes
    milestones: tuple[Milestone, ...] = ()
    computed: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)
    parsers: list[tuple[str, tuple[str, ...], Parser]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sources = {**COMMON, **self.columns}
        opts = self.model._meta
        self.parsers = [(name, source.keys, parser_for(source, opts.get_field(name)))
                        for name, source in sources.items()]
        if self.status is not None:
            assert self.status in sources, f"{self.entity}: unknown status column"

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def column_names(self) -> list[str]:
        """The typed columns, id first (the order of ``Row.values``)."""
        return ["id", *(name for name, _, _ in self.parsers), *self.computed]

    def row(self, record: Any, extra: dict[str, Any] | None = None) -> Row:
        """The row for ``record``; ``extra`` gives the values of columns the record itself
        lacks (an embedded item's parent id). Raises ``RecordError`` naming the field that
        cannot be stored."""
        if not isinstance(record, dict):
            raise RecordError(f"the record is not a JSON object: {_short(record)}")
        record_id = record.get("id")
        if type(record_id) is not int or not 0 < record_id < 2**63:
            raise RecordError(f"id: {_short(record_id)} is not an id")
        values: dict[str, Any] = {"id": record_id}
        for name, keys, parse in self.parsers:
            if extra and name in extra:
                values[name] = extra[name]
                continue
            try:
                value = record.get(keys[0]) if len(keys) == 1 else dig(record, keys)
                values[name] = parse(value)
            except RecordError as error:
                raise RecordError(f"{'.'.join(keys)}: {error}") from None
        for name, compute in self.computed.items():
            values[name] = compute(values)
        data = encode(record)
        marker = repr((values["active"], sorted(extra.items()) if extra else None))
        return Row(record_id, values, record, data.decode(), digest(data, marker.encode()))


def encode(record: Any) -> bytes:
    """Canonical JSON (sorted keys), refusing what PostgreSQL cannot store."""
    try:
        data = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits: orjson refuses it, json keeps it exact
        data = json.dumps(record, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")).encode()
    if b"\\u0000" in data and _NUL.search(data):
        raise RecordError("the record contains a NUL character, which cannot be stored")
    return data


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


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
