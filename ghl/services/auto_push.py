"""Estimates reach GHL by themselves: every new or changed ServiceTitan estimate pushed as an
opportunity through ``ghl_push_estimate`` (idempotent: one opportunity per estimate), by the
cluster every minute — no command to run. ``GHL_AUTO_PUSH_ESTIMATES=false`` turns it off.

Due: an estimate never pushed, or written by the sync (``synced_at``: it changes only when the
record's content does) since its last successful push. A failed push is tried again after
``RETRY_AFTER`` (GHL down, a missing customer …), not at every run. Each run pushes at most
``GHL_AUTO_PUSH_PER_RUN`` estimates, oldest change first: the first run after GHL is set up
works through the backlog at that pace instead of flooding GHL, and as every push records
itself on the estimate's link row, a stopped backfill resumes where it was. One run at a
time (``config.locks.named_lock``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from config.locks import named_lock
from ghl.client import GHLClient
from ghl.models import EstimateOpportunity
from ghl.services.plan import PushError
from ghl.services.push import ghl_push_estimate
from servicetitan import models as st

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=30)


@dataclass
class AutoPush:
    pushed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    busy: bool = False


def enabled() -> bool:
    return settings.GHL.enabled and settings.GHL_AUTO_PUSH_ESTIMATES


def due(now: datetime, limit: int) -> list[int]:
    """The ids of the estimates to push now, oldest change first."""
    link = EstimateOpportunity.objects.filter(estimate_id=OuterRef("pk"))
    return list(st.Estimate.objects.annotate(
        pushed_at=Subquery(link.values("pushed_at")[:1]),
        link_state=Subquery(link.values("state")[:1]),
        tried_at=Subquery(link.values("updated_at")[:1]),
    ).filter(Q(pushed_at__isnull=True) | Q(synced_at__gt=F("pushed_at"))).filter(
        # (spelled out: NOT over a missing link's NULLs would drop the never-pushed)
        Q(link_state__isnull=True) | Q(link_state__in=[EstimateOpportunity.State.PENDING,
                                                       EstimateOpportunity.State.LINKED])
        | Q(tried_at__lte=now - RETRY_AFTER),
    ).order_by("synced_at", "id").values_list("id", flat=True)[:limit])


def push_changed(now: datetime | None = None, limit: int | None = None) -> AutoPush:
    outcome = AutoPush()
    if not enabled():
        return outcome
    with named_lock("ghl_auto_push", "estimates") as held:
        if not held:
            outcome.busy = True
            return outcome
        client = GHLClient()
        for estimate_id in due(now or timezone.now(),
                               limit or settings.GHL_AUTO_PUSH_PER_RUN):
            try:
                ghl_push_estimate(estimate_id=estimate_id, client=client)
            except PushError as exc:
                outcome.failed.append(estimate_id)
                log.info("estimate %s not pushed to GHL: %s", estimate_id, exc)
                if exc.retryable:  # GHL busy or down: the rest would fail the same way
                    break
            else:
                outcome.pushed.append(estimate_id)
    return outcome
