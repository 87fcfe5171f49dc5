"""The sync log (every resource run at a glance, with a chart of recent runs) and the cursors
(with "sync now" and "reset cursor" actions that call ``servicetitan.operations``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.html import format_html

from config.admin_base import ReadOnlyAdmin
from config.admin_lists import BigTableMixin, IndexedValuesFilter
from config.badges import badge
from config.csv_export import CsvExport
from config.formatting import pretty
from config.ratelimits import over_limit, too_many_requests
from servicetitan import operations
from servicetitan.admin.chart import COLOURS, runs_chart
from servicetitan.models import SyncLog, SyncState

CHART_RUNS = 40




@admin.register(SyncLog)
class SyncLogAdmin(CsvExport, BigTableMixin, ReadOnlyAdmin):
    empty_hint = ("No sync has run yet. Start one: Sync cursors → select the resources → "
                  "“Sync now” (or manage.py st_sync).")
    csv_fields = ("id", "run_id", "resource", "full", "status", "started_at", "finished_at",
                  "pages", "fetched", "created", "updated", "unchanged", "rejected",
                  "warnings", "requests", "retries", "duration", "error")
    list_display = ("resource", "status_badge", "started_at", "seconds", "pages",
                    "records", "outcome", "rejected_count", "warnings_count", "calls", "rate",
                    "full", "worker")
    list_filter = ("status", ("resource", IndexedValuesFilter), "full")
    search_fields = ("resource", "=run_id", "error")
    date_hierarchy = "started_at"
    exclude = ("rejected_records", "warning_samples")
    readonly_fields = ("rejected_list", "warning_list")

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: SyncLog):
        return badge(obj.status)

    @admin.display(description="seconds", ordering="duration")
    def seconds(self, obj: SyncLog) -> str:
        return "-" if obj.duration is None else f"{obj.duration:.1f}"

    @admin.display(description="records", ordering="fetched")
    def records(self, obj: SyncLog) -> str:
        return f"{obj.fetched:,}"

    @admin.display(description="new · changed · same")
    def outcome(self, obj: SyncLog) -> str:
        return f"{obj.created:,} · {obj.updated:,} · {obj.unchanged:,}"

    @admin.display(description="rejected", ordering="rejected")
    def rejected_count(self, obj: SyncLog):
        if not obj.rejected:
            return "0"
        return format_html('<b style="color: {}">{}</b>', COLOURS["partial"], f"{obj.rejected:,}")

    @admin.display(description="warnings", ordering="warnings")
    def warnings_count(self, obj: SyncLog) -> str:
        return f"{obj.warnings:,}"

    @admin.display(description="requests (retries)", ordering="requests")
    def calls(self, obj: SyncLog) -> str:
        return f"{obj.requests:,} ({obj.retries:,})" if obj.retries else f"{obj.requests:,}"

    @admin.display(description="records/s")
    def rate(self, obj: SyncLog) -> str:
        return f"{obj.fetched / obj.duration:,.0f}" if obj.duration else "-"

    @admin.display(description="rejected records")
    def rejected_list(self, obj: SyncLog):
        return _pretty(obj.rejected_records)

    @admin.display(description="warnings (values stored as NULL or the column's fallback)")
    def warning_list(self, obj: SyncLog):
        return _pretty(obj.warning_samples)

    def changelist_view(self, request, extra_context=None):
        recent = list(SyncLog.objects.order_by("-started_at")[:CHART_RUNS])[::-1]
        extra_context = {**(extra_context or {}), "runs_chart": runs_chart(recent)}
        return super().changelist_view(request, extra_context)


def _pretty(data: list) -> str:
    return pretty(data)


@admin.register(SyncState)
class SyncStateAdmin(ReadOnlyAdmin):
    empty_hint = ("No resource has been synced yet. Run manage.py st_sync (or wait for the "
                  "schedule): each resource's cursor appears here.")
    list_display = ("resource", "cursor_kind", "cursor_start", "pages", "records",
                    "last_page_at", "last_success_at", "status_badge", "reset_at")
    list_filter = ("cursor_kind", "last_status")
    search_fields = ("resource",)
    ordering = ("resource",)
    actions = ("sync_now", "reset_cursor")
    allow = frozenset({"change"})   # the actions need it; the form has no editable field

    @admin.display(description="cursor")
    def cursor_start(self, obj: SyncState) -> str:
        if not obj.cursor:
            return "(from the beginning)"
        return obj.cursor if len(obj.cursor) <= 32 else obj.cursor[:32] + "…"

    @admin.display(description="last status", ordering="last_status")
    def status_badge(self, obj: SyncState):
        return badge(obj.last_status)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in SyncState._meta.fields]

    @admin.action(description="Sync now (queued for the task cluster)", permissions=["change"])
    def sync_now(self, request, queryset) -> HttpResponse | None:
        if over_limit(request, "admin_vendor_action", "user_or_ip"):
            return too_many_requests("admin_vendor_action", html=True)
        names = sorted(queryset.values_list("resource", flat=True))
        task_id = operations.enqueue_sync(names)
        self.message_user(request, f"Queued a sync of {', '.join(names)} (task {task_id}).")

    @admin.action(description="Reset cursor (re-read from the beginning on the next sync)",
                  permissions=["change"])
    def reset_cursor(self, request, queryset) -> None:
        names = sorted(queryset.values_list("resource", flat=True))
        busy = [name for name in names if not operations.reset_cursor(name)]
        done = [name for name in names if name not in busy]
        if done:
            self.message_user(request, f"Reset: {', '.join(done)}.")
        if busy:
            self.message_user(request, f"Busy, not reset (a sync is running): "
                              f"{', '.join(busy)}.", level=messages.WARNING)
