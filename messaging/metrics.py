"""SMS metrics for /metrics (config/metrics.py), read from the tables at scrape time."""

from __future__ import annotations

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


def collect() -> Iterable[Metric]:
    totals = CounterMetricFamily("perfectcatch_sms", "SMS messages that reached each stage",
                                 labels=["stage"])
    counts = SmsMessage.objects.aggregate(**{k: Count("id", filter=q) for k, q in TOTALS.items()})
    for stage, n in counts.items():
        totals.add_metric([stage], n)
    yield totals

    current = GaugeMetricFamily("perfectcatch_sms_messages",
                                "SMS messages by direction and current status",
                                labels=["direction", "status"])
    for row in SmsMessage.objects.values("direction", "status").annotate(n=Count("id")) \
            .order_by():
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
