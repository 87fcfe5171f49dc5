"""GHL metrics for /metrics (config/metrics.py), read from the tables at scrape time."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from ghl.models import (
    Employee,
    EstimateOpportunity,
    SyncState,
    WebhookDelivery,
    WebhookRefusals,
)


def collect() -> Iterable[Metric]:
    deliveries = GaugeMetricFamily("perfectcatch_ghl_webhook_deliveries",
                                   "GHL webhook deliveries in the log, by verdict and status "
                                   "(of the refused ones, a sample)",
                                   labels=["verdict", "status"])
    for row in WebhookDelivery.objects.values("verdict", "status").annotate(n=Count("id")) \
            .order_by():
        deliveries.add_metric([row["verdict"], row["status"]], row["n"])
    yield deliveries

    refused = CounterMetricFamily("perfectcatch_ghl_webhook_refused",
                                  "GHL webhook deliveries refused, by verdict",
                                  labels=["verdict"])
    for verdict, count in WebhookRefusals.objects.values_list("verdict", "count"):
        refused.add_metric([verdict], count)
    yield refused

    links = GaugeMetricFamily("perfectcatch_ghl_estimate_links",
                              "Estimates pushed to GHL, by link state", labels=["state"])
    for row in EstimateOpportunity.objects.values("state").annotate(n=Count("pk")).order_by():
        links.add_metric([row["state"]], row["n"])
    yield links

    unmatched = GaugeMetricFamily("perfectcatch_ghl_unmatched_employees",
                                  "ServiceTitan people without a GHL user")
    unmatched.add_metric([], Employee.objects.filter(ghl_user__isnull=True, active=True).count())
    yield unmatched

    synced = GaugeMetricFamily("perfectcatch_ghl_last_success_timestamp_seconds",
                               "When each GHL sync resource last completed",
                               labels=["resource"])
    for state in SyncState.objects.exclude(last_success_at=None):
        synced.add_metric([state.resource], state.last_success_at.timestamp())
    yield synced
