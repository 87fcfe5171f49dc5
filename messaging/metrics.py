"""SMS metrics for /metrics (config/metrics.py), read from the tables at scrape time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from messaging.models import (
    CommunicationPreference,
    Direction,
    PreferenceChange,
    SmsMessage,
    SmsStatus,
)

# Monotonic totals: each counts messages that ever reached a stage (its timestamp is set).
TOTALS = {
    "sent": Q(direction=Direction.OUTBOUND, submitted_at__isnull=False),
    "delivered": Q(delivered_at__isnull=False),
    "failed": Q(failed_at__isnull=False) | Q(status=SmsStatus.FAILED),
    "blocked": Q(status=SmsStatus.BLOCKED),
    "received": Q(direction=Direction.INBOUND),
}


def by_status() -> tuple[list[dict], Counter]:
    """Messages per (direction, status) and the ``TOTALS``, in one read of the table."""
    rows = list(SmsMessage.objects.values("direction", "status").annotate(
        n=Count("id"), **{stage: Count("id", filter=q) for stage, q in TOTALS.items()})
        .order_by())
    return rows, Counter({stage: sum(row[stage] for row in rows) for stage in TOTALS})


def collect() -> Iterable[Metric]:
    totals = CounterMetricFamily("perfectcatch_sms", "SMS messages that reached each stage",
                                 labels=["stage"])
    rows, counts = by_status()
    for stage in TOTALS:
        totals.add_metric([stage], counts[stage])
    yield totals

    current = GaugeMetricFamily("perfectcatch_sms_messages",
                                "SMS messages by direction and current status",
                                labels=["direction", "status"])
    for row in rows:
        current.add_metric([row["direction"], row["status"]], row["n"])
    yield current

    opted_out = GaugeMetricFamily("perfectcatch_sms_opted_out_numbers",
                                  "Phone numbers currently opted out of SMS")
    opted_out.add_metric([], CommunicationPreference.objects.filter(sms_opted_out=True).count())
    yield opted_out

    changes = CounterMetricFamily("perfectcatch_sms_preference_changes",
                                  "Opt-outs and opt-ins recorded, by action and source",
                                  labels=["action", "source"])
    for row in PreferenceChange.objects.values("action", "source").annotate(n=Count("id")) \
            .order_by():
        changes.add_metric([row["action"], row["source"]], row["n"])
    yield changes
