"""Saving an event wait without missing its event.

A ``wait_for_event`` step parks its instance in the worker's memory; the runner saves it with
the rest of the batch. Meanwhile another worker (the cluster's tick beside the listener, or a
second listener) may take the awaited event: its waking pass looks for instances waiting for
it, finds this one still ``running``, and the event is marked processed having woken nothing.

``missed_events`` closes that gap in the transaction that saves the wait, before any instance
row is locked. It locks the events each wait awaits that arrived since its instance was
claimed (``FOR UPDATE``): it waits for a worker processing one of them to commit, and a worker
coming later skips them (``SKIP LOCKED``) until this transaction has committed — and with it
the wait. So an event among them already processed was processed without seeing the wait, and
wakes the instance right there; one not processed yet wakes it the ordinary way. Events are
locked before instances, the order ``matching.process_events`` takes them in, so the two never
deadlock.

"Since its instance was claimed" is the window in which the instance was out of sight: an
event processed before the claim found it pending or waiting for something else, as it would
with a single worker, and stays unrelated to this wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from workflows.engine.matching import correlates, correlation_view, woken
from workflows.models import WorkflowAuditLog, WorkflowEvent, WorkflowInstance


def missed_events(waits: Sequence[tuple[WorkflowInstance, datetime]]
                  ) -> dict[int, WorkflowEvent]:
    """For each (instance about to be saved waiting, when it was claimed): the first awaited
    event that arrived since and has been processed already — by {instance id: event}. Locks
    every awaited event of that period until the transaction ends; call it inside the
    transaction that saves the waits, before locking instance rows."""
    if not waits:
        return {}
    arrived = list(WorkflowEvent.objects.select_for_update().filter(
        event_type__in={instance.wait_event_type for instance, _ in waits},
        created_at__gte=min(claimed_at for _, claimed_at in waits)).order_by("id"))
    missed = {}
    for instance, claimed_at in waits:
        missed_by = (event for event in arrived if event.processed_at is not None
                     and event.event_type == instance.wait_event_type
                     and event.created_at >= claimed_at
                     and correlates(instance.wait_correlation, correlation_view(event.payload)))
        if (event := next(missed_by, None)) is not None:
            missed[instance.pk] = event
    return missed


def wake(instance: WorkflowInstance, event: WorkflowEvent, now: datetime) -> WorkflowAuditLog:
    """Resume ``instance`` (in memory) as the event's waking pass would have; returns the
    audit row to write with it."""
    for field, value in woken(instance, event, now).items():
        setattr(instance, field, value)
    return WorkflowAuditLog(instance=instance, action="woken", actor="engine",
                            detail=f"by event #{event.pk} {event.event_type}, processed while "
                                   f"the wait was being saved")
