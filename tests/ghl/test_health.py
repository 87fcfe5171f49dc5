"""The GHL sync's freshness in /readyz."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.schedules import install_schedules
from ghl.health import SYNC, ghl_sync
from ghl.models import SyncState
from ghl.services.sync import sync

pytestmark = pytest.mark.django_db


def test_nothing_is_expected_while_the_sync_is_not_scheduled():
    assert ghl_sync().ok


def test_a_scheduled_sync_that_never_ran_is_not_ready():
    install_schedules([SYNC])
    result = ghl_sync()
    assert not result.ok and "never synced: pipelines" in result.detail


def test_a_recent_sync_is_ready(ghl_client):
    install_schedules([SYNC])
    sync(client=ghl_client)
    assert ghl_sync().ok


def test_a_sync_that_stopped_succeeding_is_not_ready(ghl_client):
    install_schedules([SYNC])
    sync(client=ghl_client)
    SyncState.objects.filter(resource="contacts").update(
        last_success_at=timezone.now() - timedelta(hours=2))
    result = ghl_sync()
    assert not result.ok and "contacts" in result.detail
