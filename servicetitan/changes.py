"""Deciding what a page changes and which workflow events announce it.

A row is *created* when its id is not stored yet, *updated* when its content hash differs
from the stored one, *unchanged* otherwise (written no more, announced never). Events
(entity_type the shape's singular name, entity_id the ServiceTitan id, source
"servicetitan") carry the new row's typed snapshot as payload:

- ``<entity>.created``;
- ``<entity>.updated`` with ``changes: {column: [old, new]}``;
- ``<entity>.status_changed`` as well when the status column changed, with ``old_status``
  and ``new_status``;
- milestones (``job.completed``, ``invoice.paid``) when a row reaches the state, on an update
  that gets there or on a created row.

The backfill — a resource's first read, until one run reaches the end of its feed — is the
starting state, not news: it announces nothing (``Announce.NOTHING``), or, when the operator
asks for it (``ST_SYNC_BACKFILL_EVENTS``), only ``created`` events without milestones. Either
way years of completed jobs and open estimates do not start workflows as if they were new.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from config.events import Event
from servicetitan.rows import Row, Shape

SOURCE = "servicetitan"


class Announce(enum.Enum):
    EVERYTHING = "everything"
    CREATED_ONLY = "created only"
    NOTHING = "nothing"


@dataclass
class Plan:
    created: list[Row] = field(default_factory=list)
    updated: list[Row] = field(default_factory=list)
    unchanged: int = 0

    @property
    def writes(self) -> list[Row]:
        return self.created + self.updated


def classify(rows: list[Row], stored: dict[int, int | None]) -> Plan:
    """Sort ``rows`` by the ``stored`` {id: content_hash} of the rows already in the table."""
    result = Plan()
    for row in rows:
        if row.id not in stored:
            result.created.append(row)
        elif stored[row.id] != row.digest:
            result.updated.append(row)
        else:
            result.unchanged += 1
    return result


def events(shape: Shape, plan: Plan, old: dict[int, dict[str, Any]],
           announce: Announce) -> list[Event]:
    """The events of a classified page; ``old`` holds the stored values of updated rows."""
    if announce is Announce.NOTHING:
        return []
    found = []
    for row in plan.created:
        found += created_events(shape, row.values, milestones=announce is Announce.EVERYTHING)
    for row in plan.updated:
        found += updated_events(shape, old[row.id], row.values)
    return found


def created_events(shape: Shape, values: dict[str, Any], *, milestones: bool) -> list[Event]:
    found = [_event(shape, f"{shape.entity}.created", values, dict(values))]
    if milestones:
        found += [_event(shape, m.event_type, values, dict(values))
                  for m in shape.milestones if m.reached(values)]
    return found


def updated_events(shape: Shape, old: dict[str, Any], new: dict[str, Any]) -> list[Event]:
    changes = {name: [old.get(name), value] for name, value in new.items()
               if old.get(name) != value}
    payload = {**new, "changes": changes}
    found = [_event(shape, f"{shape.entity}.updated", new, payload)]
    if shape.status is not None and shape.status in changes:
        old_status, new_status = changes[shape.status]
        found.append(_event(shape, f"{shape.entity}.status_changed", new,
                            {**payload, "old_status": old_status, "new_status": new_status}))
    found += [_event(shape, m.event_type, new, payload)
              for m in shape.milestones if m.reached(new) and not m.reached(old)]
    return found


def announced(shapes: list[Shape]) -> dict[str, tuple[str, str]]:
    """The event types the sync writes for ``shapes``, each with its entity type and what it
    means (what the definition editor offers as triggers)."""
    found: dict[str, tuple[str, str]] = {}
    for shape in shapes:
        name = shape.entity.replace("_", " ")
        a = "an" if name[0] in "aeiou" else "a"
        found[f"{shape.entity}.created"] = (shape.entity, f"a new {name} appears")
        found[f"{shape.entity}.updated"] = (shape.entity, f"{a} {name} changes")
        if shape.status is not None:
            found[f"{shape.entity}.status_changed"] = (shape.entity,
                                                       f"{a} {name}'s status changes")
        for milestone in shape.milestones:
            found[milestone.event_type] = (shape.entity, f"{a} {name} is "
                                           f"{milestone.event_type.partition('.')[2]}")
    return found


def _event(shape: Shape, event_type: str, values: dict[str, Any], payload: dict) -> Event:
    return Event(event_type=event_type, entity_type=shape.entity, entity_id=values["id"],
                 payload=payload, source=SOURCE)
