"""Events: what each matched (one row per candidate definition, with the outcome), the
explain view per entity, and the event's own explain on its page."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from config.admin_base import ReadOnlyAdmin, ReadOnlyInline
from config.admin_lists import BigTableMixin, IndexedValuesFilter
from config.csv_export import CsvExport
from config.formatting import pretty
from workflows import entities
from workflows.explain import explain_entity, explain_event
from workflows.models import WorkflowEvent, WorkflowEventMatch


class ProcessedFilter(admin.SimpleListFilter):
    title = "processed"
    parameter_name = "processed"

    def lookups(self, request, model_admin):
        return [("yes", "processed"), ("no", "queued")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(processed_at__isnull=self.value() == "no")
        return queryset


class MatchInline(ReadOnlyInline):
    model = WorkflowEventMatch
    verbose_name_plural = "definitions with this trigger: what happened"
    fields = ("definition", "version", "outcome", "detail", "instance")
    readonly_fields = fields

    def get_queryset(self, request):
        # The version's label reads its definition: one query for the lot, not one per row.
        return super().get_queryset(request).select_related("definition", "version__definition",
                                                            "instance")


class ExplainForm(forms.Form):
    entity_type = forms.ChoiceField(initial="estimate")
    entity_id = forms.CharField(max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What workflows can be about: the registered records and the events' entity types.
        known = set(entities.ENTITY_MODELS) | {e for e, _ in entities.EVENT_TYPES.values()}
        self.fields["entity_type"].choices = [(t, t.replace("_", " ")) for t in sorted(known)]


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(CsvExport, BigTableMixin, ReadOnlyAdmin):
    empty_hint = ("No events yet. They come from the ServiceTitan sync (ServiceTitan → Sync "
                  "cursors → “Sync now”), incoming texts and GHL webhooks.")
    csv_fields = ("id", "created_at", "event_type", "entity_type", "entity_id", "source",
                  "processed_at", "payload")
    list_display = ("id", "event_type", "entity", "source", "created_at", "processed_at",
                    "matched")
    list_filter = (ProcessedFilter, ("source", IndexedValuesFilter),
                   ("event_type", IndexedValuesFilter))
    search_fields = ("entity_id", "event_type", "entity_type")
    readonly_fields = ("event_type", "entity_type", "entity_id", "source", "payload_display",
                       "created_at", "processed_at")
    fields = readonly_fields
    inlines = (MatchInline,)
    change_form_template = "admin/workflows/workflowevent/change_form.html"
    allow = frozenset({"delete"})   # events are facts: staff read them

    def get_queryset(self, request):
        matches = WorkflowEventMatch.objects.select_related("definition")
        return super().get_queryset(request).prefetch_related(
            Prefetch("matches", queryset=matches))

    @admin.display(description="payload")
    def payload_display(self, obj):
        return pretty(obj.payload)

    @admin.display(description="entity")
    def entity(self, obj):
        url = reverse("admin:workflows_explain", args=[obj.entity_type, obj.entity_id])
        return format_html('<a href="{}" title="explain">{} {}</a>', url, obj.entity_type,
                           obj.entity_id)

    @admin.display(description="matched definitions")
    def matched(self, obj):
        return format_html_join(", ", "{} ({})", ((m.definition.name, m.get_outcome_display())
                                                 for m in obj.matches.all())) or "—"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("explain/", view(self.explain_form_view), name="workflows_explain_form"),
                path("explain/<str:entity_type>/<str:entity_id>/", view(self.explain_view),
                     name="workflows_explain"),
                *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if event is not None:
            extra["explanations"] = explain_event(event)
        return super().change_view(request, object_id, form_url, extra)

    def explain_form_view(self, request):
        self.require_view(request)
        form = ExplainForm(request.GET or None)
        if form.is_valid():
            return redirect("admin:workflows_explain", form.cleaned_data["entity_type"],
                            form.cleaned_data["entity_id"])
        return self._explain_page(request, form, None, None, [])

    def explain_view(self, request, entity_type, entity_id):
        self.require_view(request)
        form = ExplainForm(initial={"entity_type": entity_type, "entity_id": entity_id})
        return self._explain_page(request, form, entity_type, entity_id,
                                  explain_entity(entity_type, entity_id))

    def _explain_page(self, request, form, entity_type, entity_id, explanations):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "form": form, "entity_type": entity_type, "entity_id": entity_id,
                   "explanations": explanations,
                   "title": f"Explain {entity_type} {entity_id}" if entity_type else "Explain"}
        return TemplateResponse(request, "admin/workflows/explain.html", context)
