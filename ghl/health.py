"""Readiness: every GHL resource finished a sync within three scheduled intervals.

Checked only while the GHL sync is scheduled (``manage.py install_schedules``), as for
ServiceTitan: a machine that never installed the schedule has no expectation to miss, and
neither has one with GHL turned off.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from config.health import CheckResult, readiness_check
from ghl.models import SyncState
from ghl.schedules import SCHEDULES
from ghl.services.sync import RESOURCES

SYNC = next(spec for spec in SCHEDULES if spec.name == "ghl-sync")
STALE_AFTER = timedelta(minutes=3 * SYNC.minutes)


@readiness_check
def ghl_sync() -> CheckResult:
    if not settings.GHL.enabled:
        return CheckResult("ghl_sync", True, settings.GHL.turned_off)
    if not Schedule.objects.filter(name=SYNC.full_name).exclude(repeats=0).exists():
        return CheckResult("ghl_sync", True, "not scheduled: no freshness expected")
    last = dict(SyncState.objects.filter(resource__in=RESOURCES)
                .values_list("resource", "last_success_at"))
    now = timezone.now()
    never = [name for name in RESOURCES if last.get(name) is None]
    stale = [name for name in RESOURCES if last.get(name) and now - last[name] > STALE_AFTER]
    if never or stale:
        parts = ([f"never synced: {', '.join(never)}"] if never else []) + (
            [f"no success for over {STALE_AFTER}: {', '.join(stale)}"] if stale else [])
        return CheckResult("ghl_sync", False, "; ".join(parts))
    oldest = min(last[name] for name in RESOURCES)
    return CheckResult("ghl_sync", True, f"oldest success {now - oldest} ago")
