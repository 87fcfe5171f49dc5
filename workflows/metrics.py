"""Workflow metrics for /metrics (config/metrics.py), read from the tables at scrape time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, F
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from workflows.models import WorkflowDefinition, WorkflowEvent, WorkflowInstance, WorkflowStepRun

LATENCY_WINDOW = timedelta(hours=1)


def collect() -> Iterable[Metric]:
    instances = GaugeMetricFamily("perfectcatch_workflow_instances",
                                  "Workflow instances by status and definition",
                                  labels=["status", "definition"])
    names = dict(WorkflowDefinition.objects.values_list("id", "name"))
    # Grouped by the id, counted by a column of the (status, definition) index: an index-only
    # scan, where joining the definitions and counting ids reads every row.
    for row in (WorkflowInstance.objects.values("status", "definition_id")
                .annotate(n=Count("status")).order_by()):
        instances.add_metric([row["status"], names[row["definition_id"]]], row["n"])
    yield instances

    steps = CounterMetricFamily("perfectcatch_workflow_step_runs",
                                "Workflow step runs (attempts) by step type and outcome",
                                labels=["step_type", "status"])
    for row in WorkflowStepRun.objects.values("step_type", "status").annotate(n=Count("id")) \
            .order_by():
        steps.add_metric([row["step_type"], row["status"]], row["n"])
    yield steps

    yield from event_latency()

    pending = GaugeMetricFamily("perfectcatch_workflow_events_unprocessed",
                                "Events not yet matched against the definitions")
    pending.add_metric([], WorkflowEvent.objects.filter(processed_at__isnull=True).count())
    yield pending


def event_latency() -> Iterable[Metric]:
    """Seconds from an event's commit to its instance, over the instances of the last hour."""
    since = timezone.now() - LATENCY_WINDOW
    rows = (WorkflowInstance.objects
            .filter(created_at__gte=since, trigger_event__isnull=False)
            .annotate(latency=F("created_at") - F("trigger_event__created_at"))
            .values_list("latency", flat=True))
    latencies = sorted(row.total_seconds() for row in rows if row is not None)
    gauge = GaugeMetricFamily(
        "perfectcatch_workflow_event_to_instance_seconds",
        "Event-to-instance latency over the last hour (quantiles of the instances started)",
        labels=["quantile"])
    if latencies:
        for q in (0.5, 0.9, 0.99):
            gauge.add_metric([str(q)], latencies[min(int(q * len(latencies)), len(latencies) - 1)])
    yield gauge
