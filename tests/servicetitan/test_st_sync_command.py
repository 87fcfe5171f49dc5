import io

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from config import locks
from servicetitan.models import Customer, SyncLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_client(settings):
    """No rate limit to wait for, and one worker: threads would commit outside the test's
    transaction (the parallel path has its own transactional test)."""
    settings.ST_RATE_LIMIT_PER_SECOND = 100_000
    settings.ST_SYNC_WORKERS = 1


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("st_sync", *args, stdout=out)
    return out.getvalue()


def test_it_syncs_the_named_resources_and_prints_a_summary(st):
    output = run("customers", "job_types")

    assert Customer.objects.count() == 100
    assert "customers" in output and "job_types" in output and "all succeeded" in output
    assert set(SyncLog.objects.values_list("resource", flat=True)) == {"customers", "job_types"}


def test_an_unknown_resource_is_refused_with_the_valid_names(st):
    with pytest.raises(CommandError, match=r"unknown resource.*: appointmentz; valid: customers"):
        run("appointmentz")
    assert not SyncLog.objects.exists()


def test_a_worker_count_below_one_is_refused(st):
    with pytest.raises(CommandError, match="--workers must be at least 1"):
        run("customers", "--workers", "0")


def test_a_failed_resource_makes_the_command_fail(sandbox, st):
    sandbox.app.faults.add(vendor="servicetitan", path_contains="export/customers",
                           status=404, times=None)
    with pytest.raises(CommandError, match="sync not complete: failed") as caught:
        run("customers")
    assert caught.value.returncode == 1


def test_rejected_records_make_the_command_fail(st):
    st.replace("customers", 10000001, {"id": "none", "modifiedOn": "never"})
    with pytest.raises(CommandError, match="sync not complete: partial"):
        run("customers")


def test_a_resource_busy_elsewhere_exits_with_tempfail(st):
    params = connection.get_connection_params()
    dsn = {k: params[k] for k in ("dbname", "user", "host", "port") if params.get(k)}
    with psycopg.connect(**dsn) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)",
                      locks.advisory_key("st_sync", "customers"))
        with pytest.raises(CommandError, match="another sync is running") as caught:
            run("customers")
    assert caught.value.returncode == 75


def test_full_is_passed_on(st):
    run("customers")
    run("customers", "--full")
    assert SyncLog.objects.filter(full=True, fetched=100, unchanged=100).count() == 1
