import psycopg
import pytest
from django.db import connection
from django_q.models import OrmQ

from config import locks
from servicetitan.models import SyncState
from servicetitan.operations import enqueue_sync, reset_cursor

pytestmark = pytest.mark.django_db


def test_sync_now_queues_one_task_for_the_resources():
    enqueue_sync(["payments", "customers"])

    task = OrmQ.objects.get().task
    assert task["func"] == "servicetitan.tasks.sync_now"
    assert task["args"] == (["customers", "payments"],)


def test_sync_now_refuses_unknown_resources():
    with pytest.raises(KeyError):
        enqueue_sync(["customerz"])
    assert not OrmQ.objects.exists()


def test_reset_sends_the_resource_back_to_the_beginning(st, run_sync):
    run_sync("customers")

    assert reset_cursor("customers")

    state = SyncState.objects.get(resource="customers")
    assert (state.cursor, state.pages, state.records) == ("", 0, 0) and state.reset_at


def test_after_a_reset_the_next_sync_re_reads_without_announcing_anything(st, run_sync):
    run_sync("customers")
    reset_cursor("customers")

    log = run_sync("customers").outcomes[0].log

    assert (log.fetched, log.unchanged, log.created) == (100, 100, 0)


def test_a_reset_is_refused_while_the_resource_is_being_synced(st, run_sync):
    run_sync("customers")
    params = connection.get_connection_params()
    dsn = {k: params[k] for k in ("dbname", "user", "host", "port") if params.get(k)}
    with psycopg.connect(**dsn) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)",
                      locks.advisory_key("st_sync", "customers"))
        assert reset_cursor("customers") is False
    assert SyncState.objects.get(resource="customers").cursor != ""
