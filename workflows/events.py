"""Writing workflow events. Call these inside the transaction that makes the change, so the
event exists exactly when the change does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workflows.models import WorkflowEvent


@dataclass(frozen=True)
class Event:
    event_type: str
    entity_type: str
    entity_id: str | int
    payload: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def record_events(events: Iterable[Event]) -> list[WorkflowEvent]:
    """Insert the events in one statement; returns the rows (with ids on PostgreSQL)."""
    rows = [
        WorkflowEvent(event_type=e.event_type, entity_type=e.entity_type,
                      entity_id=str(e.entity_id), payload=e.payload, source=e.source)
        for e in events
    ]
    return WorkflowEvent.objects.bulk_create(rows) if rows else []


def record_event(event: Event) -> WorkflowEvent:
    return record_events([event])[0]
