"""Backtest: how many instances a definition would have started from the stored events.

Runs the definition's trigger and conditions over the events of its trigger type since a
moment, without writing anything. Related records (``customer.type`` …) are read as they are
now, not as they were then. Re-entry is approximated: with ``one_live`` or ``once`` at most
one instance per entity is counted (an instance that would have ended and been followed by
another is not known), with ``always`` every match counts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.utils import timezone

from workflows import entities
from workflows.conditions import MISSING, evaluate, rule_fields
from workflows.facts import EntityFacts, RecordCache
from workflows.models import ReentryPolicy, WorkflowEvent
from workflows.models.definitions import trigger_types

MAX_EVENTS = 100_000
CHUNK = 2000  # events read, and their related records preloaded, at a time


@dataclass
class BacktestResult:
    trigger_event: str
    since: datetime
    events: int = 0
    matched: int = 0
    would_start: int = 0
    sample: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False


def backtest(content: Mapping[str, Any], *, since: timedelta, sample_size: int = 10,
             now: datetime | None = None, max_events: int = MAX_EVENTS) -> BacktestResult:
    """``content``: a definition's trigger_event, trigger_conditions and reentry (a saved
    definition's ``content()`` or a form being edited). The newest ``max_events`` events of
    the window are read (``truncated`` says when there were more); the records the conditions
    name are read ``CHUNK`` events at a time, one query per record type."""
    start = (now or timezone.now()) - since
    result = BacktestResult(content["trigger_event"], start)
    events = WorkflowEvent.objects.filter(event_type__in=trigger_types(content["trigger_event"]),
                                          created_at__gte=start).order_by("-id").only(
        "entity_type", "entity_id", "payload", "created_at")
    seen: set[tuple[str, str]] = set()
    per_entity = content.get("reentry", ReentryPolicy.ONE_LIVE) != ReentryPolicy.ALWAYS
    conditions = content.get("trigger_conditions") or {}
    for event, records in _with_records(events[:max_events], conditions):
        result.events += 1
        if not evaluate(conditions, EntityFacts.for_event(event, records)).passed:
            continue
        result.matched += 1
        entity = (event.entity_type, event.entity_id)
        if per_entity and entity in seen:
            continue
        seen.add(entity)
        result.would_start += 1
        if len(result.sample) < sample_size:
            result.sample.append({"entity_type": event.entity_type,
                                  "entity_id": event.entity_id, "event_id": event.pk,
                                  "at": event.created_at})
    result.truncated = result.events >= max_events
    return result


def _with_records(events, conditions: Mapping[str, Any]
                  ) -> Iterator[tuple[WorkflowEvent, RecordCache]]:
    """Each event with a cache holding the records ``conditions`` will read for it."""
    fields = [name.split(".") for name in rule_fields(conditions)]
    rows = events.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        records = RecordCache()  # one per chunk: memory stays bounded
        if fields:
            _preload(records, fields, chunk)
        for event in chunk:
            yield event, records


def _preload(records: RecordCache, fields: list[list[str]],
             chunk: Sequence[WorkflowEvent]) -> None:
    """Read, a type at a time, what ``EntityFacts`` will ask for: the entity's own record
    where the payload lacks a field or a reference, then the records referred to."""
    payloads = {event.pk: event.payload if isinstance(event.payload, Mapping) else {}
                for event in chunk}
    names = {segments[0] for segments in fields if segments[0] in entities.ENTITY_MODELS}
    own = {event.pk for event in chunk
           if any(segments[0] not in entities.ENTITY_MODELS
                  and entities.dig(payloads[event.pk], segments) is MISSING
                  for segments in fields)
           or any(name != event.entity_type and payloads[event.pk].get(f"{name}_id") is None
                  for name in names)}
    for entity_type in {event.entity_type for event in chunk if event.pk in own}:
        records.preload(entity_type, [e.entity_id for e in chunk
                                      if e.pk in own and e.entity_type == entity_type])
    for name in names:
        records.preload(name, [event.entity_id if event.entity_type == name else
                               payloads[event.pk].get(f"{name}_id") or getattr(
                                   records.get(event.entity_type, event.entity_id)
                                   if event.pk in own else None, f"{name}_id", None)
                               for event in chunk])


def parse_since(text: str) -> timedelta:
    """``--since 30d``: the duration syntax of waits (``workflows.timing``)."""
    from workflows.timing import parse_duration

    return parse_duration(text, "--since")
