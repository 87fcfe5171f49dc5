"""Writing workflow events. Call these inside the transaction that makes the change, so the
event exists exactly when the change does. ``record_events`` is also the writer behind
``config.events.record_events`` (registered in ``WorkflowsConfig.ready``), through which the
apps below workflows announce their changes; ``Event`` is ``config.events.Event``.

On PostgreSQL every write also sends ``NOTIFY workflows``: a NOTIFY issued inside a
transaction is delivered only when (and if) that transaction commits, so the worker wakes
exactly when the event becomes visible to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from config.events import Event
from workflows.models import WorkflowEvent

__all__ = ["NOTIFY_CHANNEL", "Event", "notify_workers", "record_event", "record_events"]
NOTIFY_CHANNEL = "workflows"

def record_events(events: Iterable[Event]) -> list[WorkflowEvent]:
    """Insert the events in one statement and wake the workers on commit; returns the rows
    (with ids on PostgreSQL)."""
    rows = [
        WorkflowEvent(event_type=e.event_type, entity_type=e.entity_type,
                      entity_id=str(e.entity_id), payload=e.payload, source=e.source)
        for e in events
    ]
    if not rows:
        return []
    created = WorkflowEvent.objects.bulk_create(rows)
    notify_workers()
    return created


def record_event(event: Event) -> WorkflowEvent:
    return record_events([event])[0]


def notify_workers() -> None:
    """Wake the listening workers when the current transaction commits (PostgreSQL only;
    elsewhere the workers poll). PostgreSQL folds identical notifications of one transaction
    into one, so calling this often is cheap."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [NOTIFY_CHANNEL])
