"""Writing one page of records: rows, embedded children and their events, in the caller's
transaction. Every record with a usable id lands whole; a value that does not fit its column
is stored as NULL (or the column's fallback) and reported as a warning. A record without a
usable id (or not an object) is set aside with the reason; the rest of the page lands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from config.events import Event, record_events
from servicetitan import upsert
from servicetitan.changes import Announce, Plan, classify, events, updated_events
from servicetitan.convert import RecordError
from servicetitan.resources import Embedded, Resource
from servicetitan.rows import Row, Shape, record_id_of


@dataclass
class PageResult:
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)  # [{id, error}]
    warnings: list[dict[str, Any]] = field(default_factory=list)  # [{id, warning}]
    events: int = 0
    latest_modified: datetime | None = None   # newest modifiedOn among the page's rows


@dataclass
class _Parsed:
    rows: list[Row]
    children: dict[int, list[Row]]   # parent id -> its embedded rows (when the parent has any)
    rejected: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


def write_page(resource: Resource, records: list[Any], *, announce: Announce,
               now: datetime) -> PageResult:
    """Store a page of ``resource`` records (call inside a transaction). Records repeated in
    the page count once, the last one winning."""
    parsed = _parse(resource, records)
    plan, found = _store(resource.shape, parsed.rows, announce, now)
    if resource.embedded is not None:
        changed = {row.id for row in plan.writes}
        children = {pid: kids for pid, kids in parsed.children.items() if pid in changed}
        found += _store_children(resource.embedded, children, announce, now)
    record_events(found)
    stamps = [row.values["modified_on"] for row in parsed.rows if row.values["modified_on"]]
    return PageResult(fetched=len(records), created=len(plan.created),
                      updated=len(plan.updated), unchanged=plan.unchanged,
                      rejected=parsed.rejected, warnings=parsed.warnings, events=len(found),
                      latest_modified=max(stamps, default=None))


def _store(shape: Shape, rows: list[Row], announce: Announce,
           now: datetime) -> tuple[Plan, list[Event]]:
    """Classify, read the old values of what changed, write; returns the plan and events."""
    plan = classify(rows, upsert.stored_hashes(shape, [row.id for row in rows]))
    old = (upsert.stored_values(shape, [row.id for row in plan.updated])
           if announce is not Announce.NOTHING else {})
    upsert.insert(shape, plan.created, now)
    upsert.upsert(shape, plan.updated, now)
    return plan, events(shape, plan, old, announce)


def _parse(resource: Resource, records: list[Any]) -> _Parsed:
    rows: dict[int, Row] = {}
    children: dict[int, list[Row]] = {}
    notes: dict[int, list[dict[str, Any]]] = {}  # parent id -> warnings about its children
    rejected: list[dict[str, Any]] = []
    for record in records:
        try:
            row = resource.shape.row(record)
        except RecordError as error:
            rejected.append({"id": record_id_of(record), "error": str(error)})
            continue
        rows.pop(row.id, None)  # re-inserted so the page order follows the last copy
        rows[row.id] = row
        if resource.embedded is not None:  # the last copy's children and notes win
            kids, notes[row.id] = _embedded_rows(resource.embedded, row, rejected)
            if kids is not None:
                children[row.id] = kids
            else:
                children.pop(row.id, None)
    warnings = [{"id": row.id, "warning": text} for row in rows.values() for text in row.warnings]
    warnings += [note for found in notes.values() for note in found]
    return _Parsed(list(rows.values()), children, rejected, warnings)


def _embedded_rows(embedded: Embedded, parent: Row, rejected: list[dict[str, Any]]
                   ) -> tuple[list[Row] | None, list[dict[str, Any]]]:
    """The child rows of a parent and the warnings about them. None instead of the rows
    when the parent does not say (no such field, or not a list), in which case the stored
    children are left alone. A child without a usable id is added to ``rejected``."""
    items = parent.raw.get(embedded.key)
    if items is None:
        return None, []
    if not isinstance(items, list):
        return None, [{"id": parent.id, "warning": f"{embedded.key}: {items!r:.60} is not a "
                                                   f"list; the stored items are left as they are"}]
    extra = {embedded.parent_column: parent.id}
    kids, warnings = [], []
    for position, item in enumerate(items):
        where = f"{embedded.key}[{position}]"
        try:
            kid = embedded.shape.row(item, extra)
        except RecordError as error:
            rejected.append({"id": parent.id, "error": f"{where}: {error}"})
            continue
        kids.append(kid)
        if kid.warnings:
            warnings += [{"id": parent.id, "warning": f"{where}.{text}"}
                         for text in kid.warnings]
    return kids, warnings


def _store_children(embedded: Embedded, children: dict[int, list[Row]], announce: Announce,
                    now: datetime) -> list[Event]:
    """Write the children of changed parents and deactivate those their parents dropped."""
    shape = embedded.shape
    rows = list({row.id: row for kids in children.values() for row in kids}.values())
    _, found = _store(shape, rows, announce, now)
    gone = upsert.deactivate(shape, embedded.parent_column, list(children),
                             {row.id for row in rows}, now)
    if announce is not Announce.NOTHING:
        for old in gone:
            found += updated_events(shape, old, {**old, "active": False})
    return found
