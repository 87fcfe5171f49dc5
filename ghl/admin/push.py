"""Pushing estimates, in the admin: the estimates with their push state and a "push to GHL"
action, the links (push again), and the staff-editable status → stage mapping."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from config.admin_base import ReadOnlyAdmin
from ghl.admin.base import per_row_action
from ghl.admin.mirror import user_name
from ghl.models import EstimateOpportunity, EstimateToPush, GHLPipelineStage, StageMapping
from ghl.services.plan import PushError
from ghl.services.push import ghl_push_estimate
from servicetitan import models as st


def _push(estimate_id: int) -> str:
    result = ghl_push_estimate(estimate_id=estimate_id)
    unassigned = " (seller not mapped: unassigned)" if result.unmapped_sold_by else ""
    return (f"estimate {estimate_id} → {result.opportunity_id} "
            f"{'created' if result.created else 'updated'}{unassigned}")


push_estimates = per_row_action("push_to_ghl", "Push to GHL (create or update the opportunity)",
                                lambda estimate: _push(estimate.pk), (PushError,),
                                calls_vendor=True)
push_links = per_row_action("push_again", "Push again to GHL",
                            lambda link: _push(link.estimate_id), (PushError,),
                            calls_vendor=True)


class PushStateFilter(admin.SimpleListFilter):
    title = "in GHL"
    parameter_name = "in_ghl"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("none", "not pushed"), *EstimateOpportunity.State.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(ghl_link__isnull=True)
        return queryset.filter(ghl_link__state=self.value()) if self.value() else queryset


@admin.register(EstimateToPush)
class EstimateToPushAdmin(ReadOnlyAdmin):
    empty_hint = ("No estimates in the mirror yet. Run a ServiceTitan sync (Sync cursors → "
                  "“Sync now”); estimates then appear here to push to GHL.")
    operate_permission = "ghl.change_estimateopportunity"
    list_display = ("id", "name", "status", "total", "customer", "sold_by_id", "ghl_state")
    list_filter = ("status", PushStateFilter, "active")
    search_fields = ("=id", "name", "=customer_id")
    list_select_related = ("ghl_link",)
    actions = [push_estimates]
    ordering = ("-modified_on", "-id")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        customers = st.Customer.objects.filter(id=OuterRef("customer_id")).values("name")[:1]
        return super().get_queryset(request).annotate(customer_name=Subquery(customers))

    @admin.display(description="customer", ordering="customer_name")
    def customer(self, obj: EstimateToPush) -> str:
        return getattr(obj, "customer_name", None) or str(obj.customer_id or "—")

    @admin.display(description="in GHL")
    def ghl_state(self, obj: EstimateToPush) -> str:
        link = getattr(obj, "ghl_link", None)
        if link is None:
            return "not pushed"
        url = reverse("admin:ghl_estimateopportunity_change", args=[link.pk])
        return format_html('<a href="{}">{}</a>', url, link.get_state_display())


@admin.register(EstimateOpportunity)
class EstimateOpportunityAdmin(ReadOnlyAdmin):
    empty_hint = ("No estimate has been pushed to GHL yet. Push from “Estimates (push to "
                  "GHL)”, or let a workflow's “Push the estimate to GHL” step do it.")
    operate_permission = "ghl.change_estimateopportunity"
    list_display = ("estimate_id", "opportunity_link", "state", "pushed_status", "pushed_value",
                    "assigned", "pushes", "pushed_at", "last_error")
    list_filter = ("state", "pushed_status")
    search_fields = ("=estimate__id", "=opportunity__id", "opportunity__name")
    list_select_related = ("opportunity",)
    actions = [push_links]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(assigned_name=user_name("assigned_to"))

    @admin.display(description="assigned to", ordering="assigned_name")
    def assigned(self, obj: EstimateOpportunity) -> str:
        return getattr(obj, "assigned_name", None) or obj.assigned_to or "—"

    @admin.display(description="opportunity")
    def opportunity_link(self, obj: EstimateOpportunity) -> str:
        if obj.opportunity_id is None:
            return "—"
        url = reverse("admin:ghl_ghlopportunity_change", args=[obj.opportunity_id])
        label = obj.opportunity.name if obj.opportunity else obj.opportunity_id
        return format_html('<a href="{}">{}</a>', url, label)


class StageMappingForm(forms.ModelForm):
    class Meta:
        model = StageMapping
        fields = ("pipeline", "st_status", "stage", "ghl_status")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = GHLPipelineStage.objects.filter(
            active=True).select_related("pipeline")


@admin.register(StageMapping)
class StageMappingAdmin(admin.ModelAdmin):
    empty_hint = ("No stage mappings yet. Add one per ServiceTitan estimate status, so pushed "
                  "estimates land in the right GHL pipeline stage.")
    """Staff-editable: where estimates in each ServiceTitan status go in GHL."""

    form = StageMappingForm
    list_display = ("st_status", "pipeline", "stage", "ghl_status", "updated_at")
    list_select_related = ("pipeline", "stage", "stage__pipeline")
    list_filter = ("pipeline",)
