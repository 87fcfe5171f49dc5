"""The GHL mirror in the admin: contacts, opportunities (with their estimate), pipelines with
their stages, users. Read-only: GHL is the source; the sync and the webhooks write these."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from config.admin_base import ReadOnlyAdmin, ReadOnlyInline
from config.admin_lists import PhoneSearchMixin
from ghl.models import GHLContact, GHLOpportunity, GHLPipeline, GHLPipelineStage, GHLUser


@admin.register(GHLContact)
class GHLContactAdmin(PhoneSearchMixin, ReadOnlyAdmin):
    phone_search_field = "phone_e164"
    empty_hint = ("Nothing synced from GHL yet. The schedule syncs it; to sync now: "
                  "manage.py ghl_sync.")
    list_display = ("name", "email", "phone", "dnd", "sms_dnd", "st_customer_id",
                    "date_updated", "deleted")
    list_filter = ("dnd", "sms_dnd", "deleted", "source")
    search_fields = ("name", "email", "phone", "=id", "=st_customer_id")
    ordering = ("-date_updated",)


class PipelineFilter(admin.SimpleListFilter):
    title = "pipeline"
    parameter_name = "pipeline"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return list(GHLPipeline.objects.values_list("id", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pipeline_id=self.value()) if self.value() else queryset


def user_name(column: str) -> Subquery:
    """The GHL user's name for a user-id column, in the list's own query."""
    return Subquery(GHLUser.objects.filter(id=OuterRef(column)).values("name")[:1])


@admin.register(GHLOpportunity)
class GHLOpportunityAdmin(ReadOnlyAdmin):
    empty_hint = ("Nothing synced from GHL yet. The schedule syncs it; to sync now: "
                  "manage.py ghl_sync.")
    list_display = ("name", "status", "stage", "monetary_value", "assigned", "estimate",
                    "date_updated", "deleted")
    list_filter = ("status", PipelineFilter, "deleted")
    search_fields = ("name", "=id", "=contact_id")
    list_select_related = ("estimate_link",)
    ordering = ("-date_updated",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Names of stages and users in the same query (no lookup per row).
        stages = GHLPipelineStage.objects.filter(id=OuterRef("pipeline_stage_id"))
        return super().get_queryset(request).annotate(
            stage_name=Subquery(stages.values("name")[:1]), assigned_name=user_name("assigned_to"))

    @admin.display(description="stage", ordering="stage_name")
    def stage(self, obj: GHLOpportunity) -> str:
        return getattr(obj, "stage_name", None) or obj.pipeline_stage_id

    @admin.display(description="assigned to", ordering="assigned_name")
    def assigned(self, obj: GHLOpportunity) -> str:
        return getattr(obj, "assigned_name", None) or obj.assigned_to or "—"

    @admin.display(description="estimate")
    def estimate(self, obj: GHLOpportunity) -> str:
        link = getattr(obj, "estimate_link", None)
        if link is None:
            return "—"
        url = reverse("admin:ghl_estimateopportunity_change", args=[link.pk])
        return format_html('<a href="{}">estimate {}</a>', url, link.estimate_id)


class StageInline(ReadOnlyInline):
    model = GHLPipelineStage
    fields = ("name", "position", "id", "active")
    readonly_fields = fields
    ordering = ("position",)


@admin.register(GHLPipeline)
class GHLPipelineAdmin(ReadOnlyAdmin):
    empty_hint = ("Nothing synced from GHL yet. The schedule syncs it; to sync now: "
                  "manage.py ghl_sync.")
    list_display = ("name", "id", "active", "synced_at")
    inlines = [StageInline]


@admin.register(GHLUser)
class GHLUserAdmin(ReadOnlyAdmin):
    empty_hint = ("Nothing synced from GHL yet. The schedule syncs it; to sync now: "
                  "manage.py ghl_sync.")
    list_display = ("name", "email", "role", "active", "synced_at")
    list_filter = ("active", "role")
    search_fields = ("name", "email", "=id")
