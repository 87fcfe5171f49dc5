"""Audience triggers in the back office: the preview and the run log with its chart on a
definition's page, a page to explain one record and a backtest over past days, and the run
log itself (read-only)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import SafeString

from config.admin_base import ReadOnlyAdmin
from config.badges import badge
from config.csv_export import CsvExport
from config.dashboard import BLUE, DAYS, GREY, ORANGE, bar_chart
from workflows.audiences.backtest import MAX_DAYS, backtest_audience
from workflows.audiences.evaluation import audience_of
from workflows.audiences.explain import explain_record, preview
from workflows.models import AudienceRun, WorkflowDefinition

RUNS_SHOWN = 14


def audience_context(definition: WorkflowDefinition) -> dict:
    """What a definition's page shows of its audience (saved version): the preview, the
    latest runs and their chart."""
    version = definition.current_version
    context: dict = {"audience_runs": list(definition.audience_runs.order_by(
        "-started_at")[:RUNS_SHOWN]), "audience_chart": runs_chart(definition)}
    try:
        context["audience_preview"] = preview(audience_of(version), version=version)
    except ValidationError as exc:   # a saved rule no longer valid (a field gone)
        context["audience_error"] = "; ".join(exc.messages)
    return context


def runs_chart(definition: WorkflowDefinition) -> SafeString:
    """Entered, held back by the cap and excluded per day, over the dashboard's days."""
    start = timezone.localdate() - timedelta(days=DAYS - 1)
    rows = {row["day"]: row for row in AudienceRun.objects.filter(
        definition=definition, day__gte=start).values("day").annotate(
        entered_n=Sum("entered"), capped_n=Sum("capped"), excluded_n=Sum("excluded"))}
    days = [(day, {name: rows.get(day, {}).get(f"{name}_n") or 0
                   for name in ("entered", "capped", "excluded")})
            for day in (start + timedelta(days=i) for i in range(DAYS))]
    return bar_chart(days, {"entered": BLUE, "capped": ORANGE, "excluded": GREY},
                     "audience evaluations: entered, held back by the cap, excluded")


def audience_view(model_admin, request, pk: int):
    """The audience now: its preview, and the explanation of one record (``?id=``)."""
    definition = _definition(model_admin, request, pk)
    version = definition.current_version
    entity_id = request.GET.get("id", "").strip()
    context = {**model_admin.admin_site.each_context(request), "opts": WorkflowDefinition._meta,
               "definition": definition, "entity_id": entity_id,
               "title": f"Audience: {definition}"}
    status = 200
    try:
        audience = audience_of(version)
        context["preview"] = preview(audience, version=version)
        if entity_id:
            if not entity_id.isdigit():
                raise ValidationError(f"id: {entity_id!r} is not a ServiceTitan id")
            context["explained"] = explain_record(audience, entity_id, version=version)
    except ValidationError as exc:
        context["error"], status = exc.messages[0], 400
    return TemplateResponse(request, "admin/workflows/audience.html", context, status=status)


def audience_backtest_view(model_admin, request, definition: WorkflowDefinition, since: str):
    days = request.GET.get("days") or since.removesuffix("d")
    context = {**model_admin.admin_site.each_context(request), "opts": WorkflowDefinition._meta,
               "definition": definition, "days": days,
               "title": f"Backtest: {definition}"}
    if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
        context["error"] = f"days: give a whole number of days from 1 to {MAX_DAYS}"
        return TemplateResponse(request, "admin/workflows/audience_backtest.html", context,
                                status=400)
    context["result"] = backtest_audience(audience_of(definition.current_version),
                                          days=int(days))
    return TemplateResponse(request, "admin/workflows/audience_backtest.html", context)


def _definition(model_admin, request, pk: int) -> WorkflowDefinition:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    definition = get_object_or_404(WorkflowDefinition.objects.select_related(
        "current_version"), pk=pk)
    if not definition.is_audience or definition.current_version is None:
        raise PermissionDenied("this definition is not triggered by an audience")
    return definition


@admin.register(AudienceRun)
class AudienceRunAdmin(CsvExport, ReadOnlyAdmin):
    empty_hint = ("No audience has been evaluated yet. Switch on a campaign (a definition "
                  "started by an audience): it is evaluated daily at its time.")
    csv_fields = ("id", "definition__name", "day", "status", "evaluated", "matched",
                  "excluded", "already", "entered", "capped", "ended", "error", "started_at",
                  "duration_ms")
    list_display = ("definition", "day", "status_badge", "matched", "excluded", "already",
                    "entered", "capped", "ended", "duration_ms", "started_at")
    list_filter = ("status", "definition")
    list_select_related = ("definition",)
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in AudienceRun._meta.fields]

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return badge(obj.status)
