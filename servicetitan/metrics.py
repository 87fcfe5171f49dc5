"""ServiceTitan sync metrics for /metrics (config/metrics.py), read at scrape time."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Sum
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from servicetitan.models import SyncLog, SyncState

RECORD_KINDS = ("fetched", "created", "updated", "unchanged", "rejected")


def collect() -> Iterable[Metric]:
    records = CounterMetricFamily("perfectcatch_st_sync_records",
                                  "Records handled by ServiceTitan syncs, by resource and kind",
                                  labels=["resource", "kind"])
    runs = CounterMetricFamily("perfectcatch_st_sync_runs",
                               "ServiceTitan sync runs by resource and outcome",
                               labels=["resource", "status"])
    for row in SyncLog.objects.values("resource").annotate(**{k: Sum(k) for k in RECORD_KINDS}) \
            .order_by():
        for kind in RECORD_KINDS:
            records.add_metric([row["resource"], kind], row[kind] or 0)
    for row in SyncLog.objects.values("resource", "status").annotate(n=Count("id")).order_by():
        runs.add_metric([row["resource"], row["status"]], row["n"])
    yield records
    yield runs

    last_success = GaugeMetricFamily("perfectcatch_st_sync_last_success_timestamp_seconds",
                                     "When each resource last finished a sync",
                                     labels=["resource"])
    for resource, at in SyncState.objects.values_list("resource", "last_success_at"):
        if at is not None:
            last_success.add_metric([resource], at.timestamp())
    yield last_success

    duration = GaugeMetricFamily("perfectcatch_st_sync_last_duration_seconds",
                                 "Duration of each resource's latest finished sync",
                                 labels=["resource"])
    for row in _latest_finished():
        duration.add_metric([row.resource], row.duration)
    yield duration


def _latest_finished() -> list[SyncLog]:
    """The newest finished run of each resource (portable: no DISTINCT ON)."""
    newest = {}
    for row in (SyncLog.objects.filter(duration__isnull=False)
                .order_by("-started_at").only("resource", "duration", "started_at")[:500]):
        newest.setdefault(row.resource, row)
    return list(newest.values())
