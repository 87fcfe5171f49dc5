"""Two machines, one tenant: two django-q2 clusters in processes of their own (machine-a,
machine-b) share the fanned-out ServiceTitan sync against one sandbox that allows 60 requests
a second. The sync completes into an exact mirror, no resource is synced by two tasks at once,
and ServiceTitan never sees more than 60 requests in a second of the clock."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import pytest
from django_q.models import OrmQ, Task

from servicetitan import tasks
from servicetitan.models import SyncLog
from tests.clusters import Cluster, wait_until
from tests.servicetitan.conftest import assert_exact_copy

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]
LIMIT = 60


@pytest.fixture
def machines(sandbox, tmp_path):
    started = [Cluster(node, sandbox.url, tmp_path / f"{node}.log")
               for node in ("machine-a", "machine-b")]
    try:
        for cluster in started:
            cluster.wait_running()
        yield started
    finally:
        for cluster in started:
            cluster.stop()


def overlaps(logs: list[SyncLog]) -> list[tuple[SyncLog, SyncLog]]:
    """Pairs of runs of one resource whose [start, finish] intervals intersect."""
    by_start = sorted(logs, key=lambda log: log.started_at)
    return [(a, b) for a, b in pairwise(by_start)
            if b.started_at < a.finished_at]


def test_two_clusters_share_the_sync_within_the_vendor_limit(st, machines):
    st.set_options(rate_limit=LIMIT, rate_window=1.0, export_page_size=20)
    st.clear_stats()

    queued = list(tasks.sync_incremental().values()).count("queued")
    # A second scheduled run while the first is under way: what is running is not queued
    # again; what is queued twice finds its resource busy or runs after it, never beside it.
    wait_until(SyncLog.objects.filter(status="running").exists, "a resource started")
    queued += list(tasks.sync_incremental().values()).count("queued")
    wait_until(lambda: not OrmQ.objects.exists() and Task.objects.count() == queued,
               f"{queued} tasks done")

    outcomes = list(Task.objects.values_list("success", "result"))
    assert all(success for success, _ in outcomes), [c.output() for c in machines]
    assert {result for _, result in outcomes} <= {"success", "busy"}
    runs = defaultdict(list)
    for log in SyncLog.objects.all():
        runs[log.resource].append(log)
    assert len(runs) == 18 and all(log.status == "success" for logs in runs.values()
                                   for log in logs)
    assert not [pair for logs in runs.values() for pair in overlaps(logs)]
    assert {log.worker.split(":")[0] for logs in runs.values() for log in logs} == {
        "machine-a", "machine-b"}
    assert_exact_copy(st)

    stats = st.stats()
    assert stats["total"] > 3 * LIMIT  # the sync needed several seconds' worth of requests
    assert stats["busiest_second"]["requests"] <= LIMIT, stats
