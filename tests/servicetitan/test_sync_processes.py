"""The sync in real processes and threads: killed with SIGKILL mid-run and restarted, and run
in parallel threads against the sandbox's own 60 requests/second limit. These tests commit
(transactional database), as separate processes and threads need."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection

from servicetitan.models import InvoiceItem, SyncLog, SyncState
from servicetitan.ratelimit import RateLimiter
from servicetitan.sync import sync
from tests.servicetitan.conftest import assert_exact_copy
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
GUARD = 120  # seconds: only a hung test ever reaches it


class Gate:
    """Stands in for the ServiceTitan sandbox: the request after the first ``after`` matching
    ones waits until ``release`` is set (``reached`` tells that it has arrived)."""

    def __init__(self, vendor, path: str, after: int) -> None:
        self.vendor, self.path, self.after = vendor, path, after
        self.seen = 0
        self.lock = threading.Lock()
        self.reached, self.release = threading.Event(), threading.Event()

    def handle(self, request):
        if self.path in request.path:
            with self.lock:
                self.seen += 1
                stop = self.seen == self.after + 1
            if stop:
                self.reached.set()
                self.release.wait(GUARD)
        return self.vendor.handle(request)

    def reset(self) -> None:
        self.vendor.reset()


@pytest.fixture
def gate(sandbox, st):
    installed = []

    def install(path: str, after: int) -> Gate:
        installed.append(Gate(st, path, after))
        sandbox.app.vendors["servicetitan"] = installed[-1]
        return installed[-1]

    yield install
    for item in installed:
        item.release.set()
    sandbox.app.vendors["servicetitan"] = st


def st_sync(sandbox, *args: str) -> subprocess.Popen:
    """``manage.py st_sync ARGS`` in a new process, on the test database and sandbox."""
    db = django_settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ST_")}
    env.update(DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
               SANDBOX_URL=sandbox.url, DATABASE_POOL="false", ST_SYNC_BACKFILL_EVENTS="1",
               ST_RATE_LIMIT_PER_SECOND="1000")
    return subprocess.Popen([sys.executable, "manage.py", "st_sync", *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, "the awaited state never came"
        time.sleep(0.05)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(GUARD)


def finish(process: subprocess.Popen) -> str:
    output = process.communicate(timeout=GUARD)[0].decode()
    assert process.returncode == 0, output
    return output


def assert_items_copied_exactly_once(st) -> None:
    assert_exact_copy(st, ["invoice_items"])
    created = WorkflowEvent.objects.filter(event_type="invoice_item.created")
    assert created.count() == InvoiceItem.objects.count() == st.counts()["invoice_items"]


def test_a_sync_killed_between_pages_resumes_with_exactly_the_sources_rows(sandbox, st, gate):
    st.set_options(export_page_size=50)
    held = gate("export/invoice-items", after=5)
    first = st_sync(sandbox, "invoice_items")
    assert held.reached.wait(GUARD)  # page 6 was asked for (read ahead of storing page 5)
    pages = SyncState.objects.filter(resource="invoice_items", pages=5)
    wait_until(pages.exists)  # page 5 is committed; the sync now waits for page 6

    kill(first)
    held.release.set()

    assert SyncState.objects.get(resource="invoice_items").pages == 5
    assert InvoiceItem.objects.count() == 250
    finish(st_sync(sandbox, "invoice_items"))
    assert_items_copied_exactly_once(st)
    interrupted = SyncLog.objects.filter(resource="invoice_items").earliest("started_at")
    assert interrupted.status == "failed" and "interrupted" in interrupted.error


def test_a_sync_killed_inside_a_page_transaction_loses_that_page_only(sandbox, st):
    st.set_options(export_page_size=50)
    SyncState.objects.get_or_create(resource="invoice_items", defaults={"cursor_kind": "export"})
    params = connection.get_connection_params()
    dsn = {k: params[k] for k in ("dbname", "user", "host", "port") if params.get(k)}
    with psycopg.connect(**dsn) as blocker, psycopg.connect(**dsn, autocommit=True) as watcher:
        # Lock the cursor row: the sync's first page transaction writes its rows and events,
        # then waits at the cursor update, inside the transaction, until killed.
        blocker.execute("SELECT 1 FROM st_sync_state WHERE resource = 'invoice_items' "
                        "FOR UPDATE")
        first = st_sync(sandbox, "invoice_items")
        # (the watcher has no open transaction, so it sees fresh activity on every poll)
        wait_until(lambda: watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'UPDATE \"st_sync_state\"%%'").fetchone()[0] > 0)
        kill(first)
        blocker.rollback()

    assert InvoiceItem.objects.count() == 0 and not WorkflowEvent.objects.exists()
    finish(st_sync(sandbox, "invoice_items"))
    assert_items_copied_exactly_once(st)


def test_parallel_threads_under_the_real_rate_limit_make_an_exact_copy(st, make_client):
    st.set_options(rate_limit=60, export_page_size=200)
    limiter = RateLimiter(60)

    summary = sync(workers=4, client_factory=lambda: make_client(limiter=limiter,
                                                                 sleep=time.sleep))

    assert summary.ok
    assert_exact_copy(st)
