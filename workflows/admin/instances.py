"""Instances: status at a glance, a timeline of step runs and audit entries, and the staff
actions retry-from-failed-step, skip step and cancel (each calls a service and reports)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from config.admin_base import ReadOnlyAdmin
from config.admin_lists import BigTableMixin
from config.badges import badge
from config.csv_export import CsvExport
from config.formatting import pretty
from workflows.models import InstanceStatus, WorkflowInstance, WorkflowStepRun
from workflows.services import InstanceActionError, cancel_instance, retry_instance, skip_step

STATUS_COLOURS = {"pending": "#666", "running": "#0b61a4", "waiting": "#8a6d00",
                  "completed": "#2e7d32", "failed": "#c62828", "cancelled": "#888"}


@admin.register(WorkflowInstance)
class WorkflowInstanceAdmin(CsvExport, BigTableMixin, ReadOnlyAdmin):
    """Changed only through the actions, which call the services."""

    empty_hint = ("No workflow has started yet. One starts when an event matches an active "
                  "definition: switch a definition on (Workflow definitions), and check "
                  "Workflow events for what arrived and why it matched or not.")
    csv_fields = ("id", "definition__name", "version__number", "entity_type", "entity_id",
                  "customer_id", "status", "status_detail", "current_step", "next_run_at",
                  "attempts", "last_error", "created_at", "finished_at")
    operate_permission = "workflows.change_workflowinstance"
    list_display = ("id", "definition", "entity", "status_display", "current_step",
                    "next_run_at", "attempts", "updated_at")
    list_filter = ("status", "definition")
    list_select_related = ("definition",)
    search_fields = ("entity_id", "entity_type", "definition__name", "status_detail")
    readonly_fields = ("definition", "version", "entity", "customer_id", "trigger_event",
                       "status_display", "status_detail", "current_step", "next_run_at",
                       "attempts", "last_error", "wait_event_type", "wait_correlation_display",
                       "claimed_by", "claim_expires_at", "created_at", "finished_at",
                       "context_display")
    fieldsets = ((None, {"fields": readonly_fields[:-1]}),
                 ("Context", {"classes": ["collapse"], "fields": ["context_display"]}))
    actions = ("retry", "skip", "cancel")
    change_form_template = "admin/workflows/workflowinstance/change_form.html"
    change_list_template = "admin/workflows/workflowinstance/change_list.html"

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return badge(obj.status)

    @admin.display(description="entity")
    def entity(self, obj):
        url = reverse("admin:workflows_explain", args=[obj.entity_type, obj.entity_id])
        return format_html('<a href="{}" title="explain">{} {}</a>', url, obj.entity_type,
                           obj.entity_id)

    @admin.display(description="context")
    def context_display(self, obj):
        return pretty(obj.context)

    @admin.display(description="waiting for an event matching")
    def wait_correlation_display(self, obj):
        return pretty(obj.wait_correlation)

    def changelist_view(self, request, extra_context=None):
        counts = dict(WorkflowInstance.objects.values_list("status").annotate(
            n=Count("status")))  # index-only on (status, definition)
        since = timezone.now() - timedelta(days=1)
        failures = WorkflowStepRun.objects.filter(
            status__in=["failed", "lost"], started_at__gte=since).select_related(
            "instance__definition").order_by("-id")[:10]
        extra = {"status_counts": [(s, counts.get(s, 0), STATUS_COLOURS[s])
                                   for s in InstanceStatus.values],
                 "recent_failures": failures, **(extra_context or {})}
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        instance = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if instance is not None:
            extra["timeline"] = timeline(instance)
        return super().change_view(request, object_id, form_url, extra)

    @admin.action(description="Retry from the failed step", permissions=["operate"])
    def retry(self, request, queryset):
        self._each(request, queryset, "retried",
                   lambda i: retry_instance(instance_id=i.pk, actor=request.user.get_username()))

    @admin.action(description="Skip the current step (or end the wait)", permissions=["operate"])
    def skip(self, request, queryset):
        self._each(request, queryset, "moved on",
                   lambda i: skip_step(instance_id=i.pk, actor=request.user.get_username()))

    @admin.action(description="Cancel", permissions=["operate"])
    def cancel(self, request, queryset):
        self._each(request, queryset, "cancelled",
                   lambda i: cancel_instance(instance_id=i.pk, reason="cancelled in the admin",
                                             actor=request.user.get_username()))

    def _each(self, request, queryset, done, action):
        ok = 0
        for instance in queryset:
            try:
                action(instance)
                ok += 1
            except InstanceActionError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        if ok:
            self.message_user(request, f"{ok} instance(s) {done}", messages.SUCCESS)


def timeline(instance: WorkflowInstance) -> list[dict]:
    """Step runs and audit entries in time order, for the instance page."""
    rows = [{"at": r.started_at, "kind": "step", "title": f"{r.step_id} ({r.step_type}) "
             f"attempt {r.attempt}", "status": badge(r.status),
             "detail": r.error or (pretty(r.output) if r.output else ""),
             "duration_ms": r.duration_ms, "who": r.worker}
            for r in instance.step_runs.all()]
    rows += [{"at": a.created_at, "kind": "log", "title": a.action, "status": "",
              "detail": a.detail, "duration_ms": None, "who": a.actor}
             for a in instance.audit_log.all()]
    return sorted(rows, key=lambda row: row["at"])
