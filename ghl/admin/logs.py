"""Bookkeeping in the admin: the webhook log (with "apply again"), how many deliveries were
refused, and the sync runs."""

from __future__ import annotations

from django.contrib import admin

from config.admin_base import ReadOnlyAdmin
from config.badges import badge
from config.csv_export import CsvExport
from ghl.admin.base import per_row_action
from ghl.models import SyncLog, WebhookDelivery, WebhookRefusals
from ghl.services.deliveries import apply_delivery


class NotAccepted(Exception):
    pass


def _apply_again(delivery: WebhookDelivery) -> str:
    if delivery.verdict != WebhookDelivery.Verdict.ACCEPTED:
        raise NotAccepted(f"{delivery.get_verdict_display()} deliveries are never applied")
    return f"{delivery.pk} {apply_delivery(delivery, again=True).status}"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(CsvExport, ReadOnlyAdmin):
    empty_hint = ("No GHL webhook has arrived. Point GHL's webhooks at "
                  "PUBLIC_BASE_URL/webhooks/ghl/.")
    csv_fields = ("id", "received_at", "event_type", "record_id", "webhook_id", "verdict",
                  "signature", "status", "attempts", "next_attempt_at", "error")
    operate_permission = "ghl.change_webhookdelivery"
    list_display = ("received_at", "event_type", "record_id", "verdict", "signature",
                    "status_badge", "attempts", "next_attempt_at", "error", "webhook_id")
    list_filter = ("status", "verdict", "event_type", "signature")
    search_fields = ("=webhook_id", "=record_id")
    date_hierarchy = "received_at"
    actions = [per_row_action("apply_again", "Apply again", _apply_again, (NotAccepted,))]

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: WebhookDelivery):
        return badge(obj.status)


@admin.register(WebhookRefusals)
class WebhookRefusalsAdmin(ReadOnlyAdmin):
    """Every refused delivery counted (the log keeps a sample of each verdict)."""

    list_display = ("verdict", "count", "first_at", "last_at")


@admin.register(SyncLog)
class SyncLogAdmin(CsvExport, ReadOnlyAdmin):
    empty_hint = ("No GHL sync has run yet. The schedule runs it; to run one now: manage.py "
                  "ghl_sync.")
    csv_fields = ("id", "run_id", "resource", "full", "status", "started_at", "finished_at",
                  "pages", "fetched", "written", "error")
    list_display = ("started_at", "resource", "status_badge", "full", "pages", "fetched",
                    "written", "finished_at", "error")
    list_filter = ("status", "resource")
    search_fields = ("=run_id",)
    date_hierarchy = "started_at"

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: SyncLog):
        return badge(obj.status)
