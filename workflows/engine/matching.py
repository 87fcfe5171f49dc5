"""Consuming the event outbox: for each new event, cancel what it cancels, wake what waits for
it, and start what it triggers — then mark it processed, all in one transaction.

Batches are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers
never take the same event; on SQLite the write transaction is exclusive
(``transaction_mode=IMMEDIATE``). Starting is exactly once per (event, definition) either way:
the instance and the match record both have unique constraints on it. Every candidate
definition gets a ``WorkflowEventMatch`` row saying what happened and why — explain reads it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction

from workflows.conditions import evaluate
from workflows.engine.context import merge
from workflows.engine.start import start_instance
from workflows.entities import int_id
from workflows.facts import EntityFacts
from workflows.models import (
    LIVE_STATUSES,
    InstanceStatus,
    MatchOutcome,
    WorkflowAuditLog,
    WorkflowDefinition,
    WorkflowEvent,
    WorkflowEventMatch,
    WorkflowInstance,
)

log = logging.getLogger(__name__)


@dataclass
class EventStats:
    events: int = 0
    started: int = 0
    cancelled: int = 0
    woken: int = 0


def process_events(*, now: datetime, batch_size: int = 200) -> EventStats:
    """Process up to ``batch_size`` unprocessed events, oldest first."""
    stats = EventStats()
    with transaction.atomic():
        queue = WorkflowEvent.objects.filter(processed_at__isnull=True).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            queue = queue.select_for_update(skip_locked=True)
        events = list(queue[:batch_size])
        if not events:
            return stats
        triggers = active_definitions_by_trigger()
        matches: list[WorkflowEventMatch] = []
        for event in events:
            facts = EntityFacts.for_event(event)
            stats.cancelled += cancel_for_event(event, facts, now)
            stats.cancelled += stop_on_reply(event, now)
            stats.woken += wake_for_event(event, now)
            for definition in triggers.get(event.event_type, []):
                match = match_event(event, definition, facts, now)
                stats.started += match.outcome == MatchOutcome.STARTED
                matches.append(match)
        WorkflowEventMatch.objects.bulk_create(matches, ignore_conflicts=True)
        WorkflowEvent.objects.filter(id__in=[e.id for e in events]).update(processed_at=now)
        stats.events = len(events)
    return stats


def active_definitions_by_trigger() -> dict[str, list[WorkflowDefinition]]:
    found: dict[str, list[WorkflowDefinition]] = defaultdict(list)
    for definition in WorkflowDefinition.objects.filter(
            active=True, current_version__isnull=False).select_related("current_version"):
        for event_type in definition.current_version.trigger_types:
            found[event_type].append(definition)
    return found


def match_event(event: WorkflowEvent, definition: WorkflowDefinition, facts: EntityFacts,
                now: datetime) -> WorkflowEventMatch:
    """Evaluate the definition's conditions and start an instance when they pass; returns the
    (unsaved) match record."""
    version = definition.current_version
    match = WorkflowEventMatch(event=event, definition=definition, version=version)
    try:
        verdict = evaluate(version.trigger_conditions, facts, "trigger_conditions")
    except Exception as exc:  # a bug must not stall the queue; it shows in explain
        log.exception("evaluating definition %s on event %s failed", definition.pk, event.pk)
        match.outcome, match.detail = MatchOutcome.ERROR, f"{exc.__class__.__name__}: {exc}"
        return match
    match.checks = [check.as_dict() for check in verdict.checks]
    if not verdict.passed:
        failed = ", ".join(f"{c.field} {c.op} {c.expected!r}" for c in verdict.failed())
        match.outcome, match.detail = MatchOutcome.NO_MATCH, f"failed: {failed}"[:255]
        return match
    try:
        match.instance = start_instance(version=version, entity_type=event.entity_type,
                                        entity_id=event.entity_id, payload=facts.root,
                                        event=event, now=now)
    except IntegrityError:
        match.outcome, match.detail = refusal(event, definition)
        return match
    match.outcome, match.detail = MatchOutcome.STARTED, f"started instance #{match.instance.pk}"
    return match


def refusal(event: WorkflowEvent, definition: WorkflowDefinition) -> tuple[str, str]:
    """Why the database refused a start: the event already started one, or re-entry."""
    same_event = WorkflowInstance.objects.filter(definition=definition,
                                                 trigger_event=event).first()
    if same_event:
        return MatchOutcome.DUPLICATE, f"this event already started instance #{same_event.pk}"
    other = WorkflowInstance.objects.filter(
        definition=definition, entity_type=event.entity_type,
        entity_id=event.entity_id).order_by("-id").first()
    if other and other.is_live:
        return MatchOutcome.REENTRY_BLOCKED, f"instance #{other.pk} is still {other.status}"
    return MatchOutcome.REENTRY_BLOCKED, (f"the entity already had instance #{other.pk} "
                                          f"(re-entry: once)" if other else "re-entry blocked")


def cancel_for_event(event: WorkflowEvent, facts: EntityFacts, now: datetime) -> int:
    """End the live instances whose version's ``cancel_on`` matches this event: same entity
    (scope ``entity``, the default) or same customer (scope ``customer``)."""
    live = WorkflowInstance.objects.filter(status__in=LIVE_STATUSES).select_related("version")
    if connection.vendor == "postgresql":
        # Only instances whose version cancels on this event type (jsonb containment).
        live = live.filter(version__cancel_on__contains=[{"event": event.event_type}])
    candidates = list(live.filter(entity_type=event.entity_type, entity_id=event.entity_id))
    customer_id = int_id(event.payload.get("customer_id")) if isinstance(
        event.payload, dict) else None
    if customer_id is not None:
        seen = {i.pk for i in candidates}
        candidates += [i for i in live.filter(customer_id=customer_id) if i.pk not in seen]
    cancelled = 0
    for instance in candidates:
        rule = cancelling_rule(instance, event, facts)
        if rule is not None and _cancel(instance, event, rule, now):
            cancelled += 1
    return cancelled


def cancelling_rule(instance: WorkflowInstance, event: WorkflowEvent,
                    facts: EntityFacts) -> dict | None:
    if instance.trigger_event_id == event.pk:
        return None
    same_entity = (instance.entity_type, instance.entity_id) == (event.entity_type,
                                                                  event.entity_id)
    for rule in instance.version.cancel_on:
        scope_ok = same_entity if rule.get("scope", "entity") == "entity" else True
        if rule["event"] == event.event_type and scope_ok and evaluate(
                rule.get("conditions") or {}, facts).passed:
            return rule
    return None


REPLY_EVENT = "sms.received"
STOPPED_BY_REPLY = {"stop_on_reply": "the customer replied"}


def stop_on_reply(event: WorkflowEvent, now: datetime) -> int:
    """An ordinary text from a customer (``sms.received`` with a ``customer_id``) ends their
    live instances of definitions with ``stop_on_reply`` whose version sends marketing texts.
    An instance waiting for a reply is left alone: ``wake_for_event`` hands it the text."""
    if event.event_type != REPLY_EVENT or not isinstance(event.payload, dict):
        return 0
    customer_id = int_id(event.payload.get("customer_id"))
    if customer_id is None:
        return 0
    live = (WorkflowInstance.objects.filter(status__in=LIVE_STATUSES, customer_id=customer_id,
                                            definition__stop_on_reply=True)
            .exclude(status=InstanceStatus.WAITING, wait_event_type=REPLY_EVENT)
            .select_related("version"))
    return sum(_cancel(instance, event, STOPPED_BY_REPLY, now) for instance in live
               if instance.trigger_event_id != event.pk and sends_marketing(instance.version.steps))


def sends_marketing(steps: list[dict]) -> bool:
    return any(step.get("type") == "send_sms" and step.get("purpose") == "marketing"
               for step in steps)


def _cancel(instance: WorkflowInstance, event: WorkflowEvent, rule: dict,
            now: datetime) -> bool:
    detail = f"cancelled by event #{event.pk} {event.event_type}"
    changed = WorkflowInstance.objects.filter(pk=instance.pk, status__in=LIVE_STATUSES).update(
        status=InstanceStatus.CANCELLED, status_detail=detail[:255], finished_at=now,
        next_run_at=None, wait_event_type="", updated_at=now)
    if changed:
        WorkflowAuditLog.objects.create(instance=instance, action="cancelled", actor="engine",
                                        detail=f"{detail}; rule {rule}")
    return bool(changed)


def correlation_view(payload: object) -> dict[str, str]:
    """The payload's top-level scalars as text: what wait correlations are compared with."""
    if not isinstance(payload, dict):
        return {}
    return {k: str(v) for k, v in payload.items()
            if isinstance(v, str | int | float | bool | Decimal)}


def correlates(correlation: dict[str, str], view: dict[str, str]) -> bool:
    """Whether an event whose ``correlation_view`` is ``view`` is one a wait with
    ``correlation`` awaits."""
    return all(view.get(k) == v for k, v in correlation.items())


def woken(instance: WorkflowInstance, event: WorkflowEvent, now: datetime) -> dict[str, Any]:
    """The fields of a waiting instance that ``event`` resumes: due now, with the payload in
    ``steps.<waiting step>.event``."""
    context = merge(instance.context, {"steps": {instance.wait_step: {
        "event": event.payload, "event_id": event.pk}}})
    return {"status": InstanceStatus.PENDING, "next_run_at": now, "context": context,
            "wait_event_type": "", "wait_correlation": {}, "status_detail": "",
            "updated_at": now}


def wake_for_event(event: WorkflowEvent, now: datetime) -> int:
    """Resume the instances waiting for this event type whose correlation the payload
    matches. (A wait not saved yet is caught up by ``engine.waits`` when it is.)"""
    view = correlation_view(event.payload)
    waiting = WorkflowInstance.objects.filter(status=InstanceStatus.WAITING,
                                              wait_event_type=event.event_type)
    if connection.vendor == "postgresql":
        waiting = waiting.filter(wait_correlation__contained_by=view)
    count = 0
    for instance in waiting:
        if not correlates(instance.wait_correlation, view):
            continue
        resumed = WorkflowInstance.objects.filter(
            pk=instance.pk, status=InstanceStatus.WAITING,
            wait_event_type=event.event_type).update(**woken(instance, event, now))
        if resumed:
            count += 1
            WorkflowAuditLog.objects.create(instance=instance, action="woken", actor="engine",
                                            detail=f"by event #{event.pk} {event.event_type}")
    return count
