import pytest

from config.schedules import declared_schedules
from servicetitan import tasks
from servicetitan.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline(settings, make_client, monkeypatch):
    settings.ST_SYNC_WORKERS = 1
    monkeypatch.setattr("servicetitan.sync.ServiceTitanClient", make_client)


def test_sync_now_syncs_the_named_resources(st):
    assert tasks.sync_now(["customers"]) == {"customers": "success"}
    assert Customer.objects.count() == 100


def test_the_incremental_task_syncs_every_resource(st):
    statuses = tasks.sync_incremental()
    assert len(statuses) == 18 and set(statuses.values()) == {"success"}


def test_the_incremental_sync_is_scheduled_every_five_minutes_by_default():
    spec = next(s for s in declared_schedules() if s.name == "servicetitan-sync")
    assert (spec.func, spec.minutes) == ("servicetitan.tasks.sync_incremental", 5)
