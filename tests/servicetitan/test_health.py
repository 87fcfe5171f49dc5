from datetime import timedelta

import pytest
from django.utils import timezone

from config.schedules import install_schedules
from servicetitan.health import servicetitan_sync
from servicetitan.models import SyncState
from servicetitan.resources import RESOURCES

pytestmark = pytest.mark.django_db


def synced(ago: timedelta) -> None:
    SyncState.objects.update(last_success_at=timezone.now() - ago)


def test_nothing_is_expected_while_the_sync_is_not_scheduled():
    assert servicetitan_sync().ok


def test_a_scheduled_sync_that_never_finished_is_not_ready():
    install_schedules()
    result = servicetitan_sync()
    assert not result.ok and "never synced: customers" in result.detail


def test_a_scheduled_sync_that_finished_recently_is_ready():
    install_schedules()
    synced(timedelta(minutes=4))
    assert servicetitan_sync().ok


def test_a_resource_without_success_for_three_intervals_is_named(settings):
    install_schedules()
    settings.ST_SYNC_INTERVAL_MINUTES = 10
    synced(timedelta(minutes=5))
    SyncState.objects.filter(resource="estimates").update(
        last_success_at=timezone.now() - timedelta(minutes=31))
    result = servicetitan_sync()
    assert not result.ok and result.detail.endswith(": estimates")


def test_readyz_reports_a_stale_sync(client):
    from config.tasks import beat, heartbeat

    install_schedules()
    heartbeat()
    beat("workflows")
    synced(timedelta(hours=2))
    body = client.get("/readyz").json()
    assert "servicetitan_sync" in body["failed"]
    assert "no success for over" in body["checks"]["servicetitan_sync"]["detail"]
    assert len(RESOURCES) == SyncState.objects.count()


def test_the_healthcheck_command_names_a_stale_sync(capsys):
    from django.core.management import CommandError, call_command

    from config.tasks import beat, heartbeat

    install_schedules()
    heartbeat()
    beat("workflows")
    synced(timedelta(hours=2))
    with pytest.raises(CommandError, match="servicetitan_sync"):
        call_command("healthcheck")
    assert "FAIL servicetitan_sync: no success for over" in capsys.readouterr().out
