import os
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from config.locks import advisory_key
from config.schedules import declared_schedules
from config.taskqueue import declared_tasks
from servicetitan import tasks
from servicetitan.models import Customer, SyncLog
from servicetitan.sync import SYNC_LOCKS, costliest_first
from tests.queued import queued, run_queued
from tests.servicetitan.conftest import assert_exact_copy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline(settings, make_client, monkeypatch):
    settings.ST_SYNC_WORKERS = 1
    monkeypatch.setattr("servicetitan.sync.ServiceTitanClient", make_client)


def test_sync_now_syncs_the_named_resources(st):
    assert tasks.sync_now(["customers"]) == {"customers": "success"}
    assert Customer.objects.count() == 100


def test_the_scheduled_sync_queues_one_task_per_resource_costliest_first(st):
    statuses = tasks.sync_incremental()
    assert len(statuses) == 18 and set(statuses.values()) == {"queued"}
    waiting = queued()
    assert [item.func() for item in waiting] == ["servicetitan.tasks.sync_resource"] * 18
    assert [item.args()[0] for item in waiting] == [r.name for r in costliest_first()]
    assert len({item.args()[1] for item in waiting}) == 1  # one run id


def test_the_queued_tasks_sync_every_resource_into_an_exact_copy(st):
    tasks.sync_incremental()
    results = run_queued()
    assert len(results) == 18 and set(results.values()) == {"success"}
    assert_exact_copy(st)
    logs = SyncLog.objects.all()
    assert len({log.run_id for log in logs}) == 1 and logs.count() == 18
    assert {log.worker for log in logs} == {f"{settings.NODE_NAME}:{os.getpid()}"}


def hold_elsewhere(resource: str) -> psycopg.Connection:
    """Another process's session holding ``resource``'s sync lock."""
    params = connection.get_connection_params()
    holder = psycopg.connect(**{k: params[k] for k in ("dbname", "user", "host", "port")
                                if params.get(k)}, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s, %s)", advisory_key(SYNC_LOCKS, resource))
    return holder


def test_a_resource_being_synced_elsewhere_is_not_queued(st):
    with hold_elsewhere("invoices"):
        statuses = tasks.sync_incremental()
    assert statuses["invoices"] == "busy" and list(statuses.values()).count("queued") == 17
    assert "invoices" not in [item.args()[0] for item in queued()]


def test_a_task_whose_resource_is_being_synced_elsewhere_does_nothing(st):
    with hold_elsewhere("customers"):
        assert tasks.sync_resource("customers") == "busy"
    assert not SyncLog.objects.exists() and not Customer.objects.exists()


def test_a_task_syncs_its_resource_under_the_run_id_it_was_given(st):
    run_id = uuid.uuid4()
    assert tasks.sync_resource("customers", str(run_id)) == "success"
    assert SyncLog.objects.get().run_id == run_id and Customer.objects.count() == 100


def test_the_fanned_out_tasks_are_declared_for_the_task_queue():
    assert "servicetitan.tasks.sync_resource" in declared_tasks()


def test_the_incremental_sync_is_scheduled_every_five_minutes_by_default():
    spec = next(s for s in declared_schedules() if s.name == "servicetitan-sync")
    assert (spec.func, spec.minutes) == ("servicetitan.tasks.sync_incremental", 5)
