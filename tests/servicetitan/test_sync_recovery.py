"""Faults during a sync: retried storms, an expiring token, a failing resource, a resumed run,
a resource already being synced elsewhere."""

import psycopg
import pytest
from django.db import connection

from config import locks
from servicetitan.models import SyncLog, SyncState
from servicetitan.resources import RESOURCES
from servicetitan.sync import sync
from tests.servicetitan.conftest import assert_exact_copy
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db


def test_a_429_storm_still_ends_in_an_exact_copy(sandbox, st, run_sync, waits):
    # Every endpoint, the token's included, answers its first few calls with 429.
    for resource in RESOURCES:
        sandbox.app.faults.add(vendor="servicetitan", path_contains=resource.path,
                               status=429, retry_after=0.5, times=5)
    sandbox.app.faults.add(vendor="servicetitan", path_contains="/connect/token", status=429,
                           retry_after=0.5, times=5)

    summary = run_sync()

    assert summary.ok and sum(o.log.retries for o in summary.outcomes) >= 95
    assert waits.seconds.count(0.5) >= 95
    assert_exact_copy(st)


def test_500s_during_a_sync_still_end_in_an_exact_copy(sandbox, st, run_sync):
    for resource in RESOURCES:
        sandbox.app.faults.add(vendor="servicetitan", path_contains=resource.path,
                               status=500, times=4)
    summary = run_sync()
    assert summary.ok and sum(o.log.retries for o in summary.outcomes) >= 4 * len(RESOURCES)
    assert_exact_copy(st)


def test_a_token_expiring_mid_run_still_ends_in_an_exact_copy(st, make_client):
    st.set_options(export_page_size=50)
    pages = []

    def expire_every_third_page(entry: SyncLog) -> None:
        pages.append(entry.pages)
        if len(pages) % 3 == 0:
            st.expire_tokens()

    summary = sync(workers=1, client_factory=make_client, progress=expire_every_third_page)

    assert summary.ok and st.stats()["endpoints"]["/connect/token"] > 5
    assert_exact_copy(st)


def test_one_failing_resource_does_not_stop_the_others(sandbox, st, run_sync):
    sandbox.app.faults.add(vendor="servicetitan", path_contains="export/jobs", status=403,
                           times=None, body={"title": "Forbidden", "status": 403})

    summary = run_sync("customers", "jobs", "payments")

    status = {o.resource: o.status for o in summary.outcomes}
    assert status == {"customers": "success", "jobs": "failed", "payments": "success"}
    jobs = summary.outcomes[1].log
    assert "403 Forbidden" in jobs.error and "/export/jobs" in jobs.error
    assert not summary.ok


def test_a_failed_run_resumes_from_the_last_committed_page(sandbox, st, make_client,
                                                           settings):
    settings.ST_SYNC_BACKFILL_EVENTS = 1  # so duplicates would show as repeated events
    st.set_options(export_page_size=30)

    def fail_after_two_pages(entry: SyncLog) -> None:
        if entry.pages == 2:
            sandbox.app.faults.add(vendor="servicetitan", status=403, times=None)

    first = sync(["customers"], client_factory=make_client, progress=fail_after_two_pages)
    sandbox.app.faults.clear()
    second = sync(["customers"], client_factory=make_client)

    assert first.outcomes[0].status == "failed" and second.ok
    before, after = first.outcomes[0].log.fetched, second.outcomes[0].log.fetched
    assert 60 <= before < 100 and before + after == 100  # (a page may have been read ahead)
    assert WorkflowEvent.objects.filter(event_type="customer.created").count() == 100
    assert_exact_copy(st, ["customers"])


def test_a_resource_being_synced_elsewhere_is_skipped(st, run_sync):
    params = connection.get_connection_params()
    dsn = {k: params[k] for k in ("dbname", "user", "host", "port") if params.get(k)}
    with psycopg.connect(**dsn) as other:  # another process's session holds the lock
        other.execute("SELECT pg_advisory_lock(%s, %s)",
                      locks.advisory_key("st_sync", "customers"))

        summary = run_sync("customers", "payments")

    assert [o.status for o in summary.outcomes] == ["busy", "success"]
    assert not SyncLog.objects.filter(resource="customers").exists()


def test_the_lock_is_released_when_the_sync_ends(st, run_sync):
    run_sync("customers")
    with locks.named_lock("st_sync", "customers") as held:
        assert held


def test_a_failure_keeps_the_cursor_where_the_last_page_left_it(sandbox, st, run_sync):
    run_sync("customers")
    before = SyncState.objects.get(resource="customers").cursor
    sandbox.app.faults.add(vendor="servicetitan", path_contains="export/customers",
                           status=400, times=None)

    run_sync("customers")

    state = SyncState.objects.get(resource="customers")
    assert state.cursor == before and state.last_status == "failed"
