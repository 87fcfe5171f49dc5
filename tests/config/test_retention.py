from datetime import timedelta

import pytest
from django.utils import timezone

from config.retention import prune
from servicetitan.models import SyncLog

pytestmark = pytest.mark.django_db


def log_started(ago: timedelta) -> SyncLog:
    row = SyncLog.objects.create(run_id="00000000-0000-0000-0000-000000000001",
                                 resource="customers", status="success")
    SyncLog.objects.filter(pk=row.pk).update(started_at=timezone.now() - ago)
    return row


def test_old_run_logs_are_pruned_and_recent_ones_kept(settings):
    settings.SYNC_LOG_RETENTION_DAYS = 90
    old, recent = log_started(timedelta(days=91)), log_started(timedelta(days=89))
    assert prune()["servicetitan.SyncLog"] == 1
    assert list(SyncLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SyncLog.objects.filter(pk=old.pk).exists()


def test_pruning_is_scheduled_daily():
    from config.schedules import declared_schedules

    spec = next(s for s in declared_schedules() if s.name == "prune-logs")
    assert (spec.func, spec.minutes) == ("config.tasks.prune", 1440)
