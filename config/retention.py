"""How long bookkeeping rows are kept. Mirrors, messages, preferences and their audit trails
are kept for good; run logs and webhook logs are pruned daily (``prune``, a django-q2
schedule) so the tables and the metrics that read them stay small."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Rule:
    model: str        # "app_label.ModelName"
    field: str        # the row's time
    days_setting: str


RULES = (
    Rule("servicetitan.SyncLog", "started_at", "SYNC_LOG_RETENTION_DAYS"),
    Rule("ghl.SyncLog", "started_at", "SYNC_LOG_RETENTION_DAYS"),
    Rule("ghl.WebhookDelivery", "received_at", "WEBHOOK_LOG_RETENTION_DAYS"),
    Rule("messaging.SmsStatusCallback", "received_at", "WEBHOOK_LOG_RETENTION_DAYS"),
)


def prune(now=None) -> dict[str, int]:
    """Delete rows older than their retention; returns the count per model."""
    now = now or timezone.now()
    deleted = {}
    for rule in RULES:
        cutoff = now - timedelta(days=getattr(settings, rule.days_setting))
        model = apps.get_model(rule.model)
        deleted[rule.model], _ = model.objects.filter(**{f"{rule.field}__lt": cutoff}).delete()
    return deleted
