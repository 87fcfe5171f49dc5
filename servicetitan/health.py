"""Readiness: every ServiceTitan resource finished a sync within its expected interval.

Checked only while the incremental sync is scheduled (``manage.py install_schedules``): a
machine that never installed the schedule has no expectation to miss, and neither has one with
ServiceTitan turned off.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from config.health import CheckResult, readiness_check
from config.schedules import PREFIX
from servicetitan.models import SyncState
from servicetitan.resources import RESOURCES

SCHEDULE_NAME = PREFIX + "servicetitan-sync"


def stale_after() -> timedelta:
    """Three missed runs, and never less than 15 minutes (one slow run is not an outage)."""
    return max(timedelta(minutes=3 * settings.ST_SYNC_INTERVAL_MINUTES), timedelta(minutes=15))


@readiness_check
def servicetitan_sync() -> CheckResult:
    if not settings.SERVICETITAN.enabled:
        return CheckResult("servicetitan_sync", True, settings.SERVICETITAN.turned_off)
    if not Schedule.objects.filter(name=SCHEDULE_NAME).exclude(repeats=0).exists():
        return CheckResult("servicetitan_sync", True, "not scheduled: no freshness expected")
    limit = stale_after()
    last = dict(SyncState.objects.values_list("resource", "last_success_at"))
    now = timezone.now()
    never = [r.name for r in RESOURCES if last.get(r.name) is None]
    stale = [r.name for r in RESOURCES if last.get(r.name) and now - last[r.name] > limit]
    if never or stale:
        parts = ([f"never synced: {', '.join(never)}"] if never else []) + (
            [f"no success for over {limit}: {', '.join(stale)}"] if stale else [])
        return CheckResult("servicetitan_sync", False, "; ".join(parts))
    oldest = min(last[r.name] for r in RESOURCES)
    return CheckResult("servicetitan_sync", True,
                       f"{len(RESOURCES)} resources, oldest success {now - oldest} ago")
