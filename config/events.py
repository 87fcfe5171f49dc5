"""The workflow events outbox as the apps that announce changes see it: an ``Event``, and
``record_events`` to write events inside the transaction that makes the change.

The table and its writer belong to workflows (``workflows.events``: the rows and the NOTIFY
that wakes the workers), which registers the writer from ``WorkflowsConfig.ready``. So the
mirror, below workflows in the layers, announces its changes without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Event:
    event_type: str
    entity_type: str
    entity_id: str | int
    payload: dict[str, Any] = field(default_factory=dict)
    source: str = ""


Writer = Callable[[Iterable[Event]], list[Any]]
_writer: list[Writer] = []


def register_writer(writer: Writer) -> None:
    """Make ``writer`` the one that stores events (registering again replaces it)."""
    _writer[:] = [writer]


def record_events(events: Iterable[Event]) -> list[Any]:
    """Store the events in the caller's transaction; returns the stored rows. Raises when no
    writer is registered: an event is never dropped silently."""
    if not _writer:
        raise ImproperlyConfigured("nothing stores workflow events: the workflows app is not "
                                   "installed or not ready")
    return _writer[0](events)
