"""Backtest: how many instances a definition would have started from the stored events.

Runs the definition's trigger and conditions over the events of its trigger type since a
moment, without writing anything. Related records (``customer.type`` …) are read as they are
now, not as they were then. Re-entry is approximated: with ``one_live`` or ``once`` at most
one instance per entity is counted (an instance that would have ended and been followed by
another is not known), with ``always`` every match counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from workflows.conditions import evaluate
from workflows.facts import EntityFacts
from workflows.models import ReentryPolicy, WorkflowEvent
from workflows.models.definitions import trigger_types

MAX_EVENTS = 100_000


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
             now: datetime | None = None) -> BacktestResult:
    """``content``: a definition's trigger_event, trigger_conditions and reentry (a saved
    definition's ``content()`` or a form being edited)."""
    start = (now or timezone.now()) - since
    result = BacktestResult(content["trigger_event"], start)
    events = WorkflowEvent.objects.filter(event_type__in=trigger_types(content["trigger_event"]),
                                          created_at__gte=start).order_by("-id")
    seen: set[tuple[str, str]] = set()
    per_entity = content.get("reentry", ReentryPolicy.ONE_LIVE) != ReentryPolicy.ALWAYS
    for event in events[:MAX_EVENTS].iterator(chunk_size=2000):
        result.events += 1
        if not evaluate(content.get("trigger_conditions") or {},
                        EntityFacts.for_event(event)).passed:
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
    result.truncated = result.events >= MAX_EVENTS
    return result


def parse_since(text: str) -> timedelta:
    """``--since 30d``: the duration syntax of waits (``workflows.timing``)."""
    from workflows.timing import parse_duration

    return parse_duration(text, "--since")
