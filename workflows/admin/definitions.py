"""Definitions: a form editor (trigger, conditions, steps and cancel rules as controls, with a
live text preview; ``editor.py`` and ``static/workflows/definition_editor.js``) over the
validated JSON fields, which stay as the advanced view; a preview of recent matching entities
(an audience's members), a backtest page, an export action, and switching on/off."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from config.csv_export import CsvExport
from workflows.admin.audiences import audience_backtest_view, audience_context, audience_view
from workflows.admin.editor import editor_schema, measure_of, text_preview
from workflows.admin.forms import EDITABLE, JSON_FIELDS, DefinitionForm
from workflows.admin.n8n_import import n8n_import_view
from workflows.backtest import backtest, parse_since
from workflows.explain import trigger_label
from workflows.models import (
    LIVE_STATUSES,
    InstanceStatus,
    WorkflowDefinition,
    WorkflowImportReport,
    WorkflowInstance,
)
from workflows.services import (
    definition_export,
    definition_save,
    definition_set_active,
    steps_as_viewers_read,
)
from workflows.steps.base import REGISTRY

PREVIEW_WINDOW = timedelta(days=7)
# The page's preview reads at most the newest this many events of the window (tens of ms);
# the backtest page reads them all.
PREVIEW_MAX_EVENTS = 500


def instance_count(statuses) -> Coalesce:
    """A definition's instances in ``statuses``: a subquery per row on the (status,
    definition) index, not a join of every instance."""
    return Coalesce(Subquery(
        WorkflowInstance.objects.filter(definition=OuterRef("pk"), status__in=list(statuses))
        .order_by().values("definition").annotate(n=Count("definition")).values("n")), 0)
ADVANCED = ("trigger_kind", "trigger_event", *JSON_FIELDS)
# The longest text body the preview renders (a text is at most 10 segments anyway).
PREVIEW_MAX_BODY = 2000


def written_credentials(steps) -> list[str]:
    """Where ``steps`` carry a credential written into the definition (each step type's
    ``written_credentials``): "step 'crm': header 'Authorization'", …"""
    return [f"step {step.get('id')!r}: {', '.join(found)}" for step in steps or ()
            if isinstance(step, dict) and step.get("type") in REGISTRY
            and (found := REGISTRY[step["type"]].written_credentials(step))]


class WrittenCredentialsFilter(admin.SimpleListFilter):
    """The definitions whose current steps carry a credential written into them, to move each
    to ``{{ secrets.NAME }}``."""

    title = "credentials"
    parameter_name = "credentials"

    def lookups(self, request, model_admin):
        return [("written", "written into the definition")]

    def queryset(self, request, queryset):
        if self.value() != "written":
            return queryset
        steps = queryset.values_list("pk", "steps")
        return queryset.filter(pk__in=[pk for pk, value in steps if written_credentials(value)])


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(CsvExport, admin.ModelAdmin):
    empty_hint = ("No follow-ups yet. Build one with “Add workflow definition” (a form: pick "
                  "what starts it, add steps), or bring n8n workflows over with “Import from "
                  "n8n”.")
    csv_fields = ("id", "name", "active", "trigger_kind", "trigger_event", "version",
                  "updated_by", "updated_at", "description")
    form = DefinitionForm
    list_display = ("name", "trigger", "active", "version", "live_count", "failed_count",
                    "updated_at")
    list_filter = ("active", "trigger_kind", "trigger_event", WrittenCredentialsFilter)
    search_fields = ("name", "description", "trigger_event")
    readonly_fields = ("version", "updated_by", "updated_at")
    fieldsets = (
        # Every editable field the form editor does not write (a new one shows up here).
        (None, {"fields": tuple(f for f in EDITABLE if f not in ADVANCED)}),
        ("Advanced: the definition as JSON (what the form above writes; import and export)",
         {"classes": ("collapse",), "fields": ADVANCED}),
        ("Saved", {"fields": ("version", "updated_by", "updated_at")}),
    )
    actions = ("export_json", "switch_on", "switch_off")
    change_form_template = "admin/workflows/workflowdefinition/change_form.html"
    change_list_template = "admin/workflows/workflowdefinition/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            live=instance_count(LIVE_STATUSES), failed=instance_count([InstanceStatus.FAILED]))

    def get_object(self, request, object_id, from_field=None):
        # The change page shows no counts: read the row alone, not the annotated queryset.
        try:
            definition = WorkflowDefinition.objects.get(
                pk=WorkflowDefinition._meta.pk.to_python(object_id))
        except (WorkflowDefinition.DoesNotExist, ValidationError, ValueError):
            return None
        if not self.has_change_permission(request, definition):
            # Read-only: credentials written into a step (an HTTP header) stay hidden.
            definition.steps = steps_as_viewers_read(definition.steps)
        return definition

    @admin.display(description="trigger", ordering="trigger_event")
    def trigger(self, obj):
        return trigger_label(obj).removeprefix("trigger ")

    @admin.display(description="live", ordering="live")
    def live_count(self, obj):
        url = reverse("admin:workflows_workflowinstance_changelist")
        return format_html('<a href="{}?definition__id__exact={}&status__in={}">{}</a>', url,
                           obj.pk, ",".join(LIVE_STATUSES), obj.live)

    @admin.display(description="failed", ordering="failed")
    def failed_count(self, obj):
        url = reverse("admin:workflows_workflowinstance_changelist")
        return format_html('<a href="{}?definition__id__exact={}&status__exact=failed">{}</a>',
                           url, obj.pk, obj.failed)

    def save_model(self, request, obj, form, change):
        saved = definition_save(data=form.validated, actor=request.user.get_username(),
                                definition=obj if change else None)
        obj.pk, obj.version, obj.current_version = saved.pk, saved.version, \
            saved.current_version

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj is not None else self.fieldsets[:-1]  # nothing saved yet

    def get_urls(self):
        return [path("<int:pk>/backtest/", self.admin_site.admin_view(self.backtest_view),
                     name="workflows_workflowdefinition_backtest"),
                path("<int:pk>/audience/", self.admin_site.admin_view(self.audience_view),
                     name="workflows_workflowdefinition_audience"),
                path("text-preview/", self.admin_site.admin_view(self.text_preview_view),
                     name="workflows_workflowdefinition_text_preview"),
                path("import-n8n/", self.admin_site.admin_view(self.n8n_import_view),
                     name="workflows_workflowdefinition_import_n8n"), *super().get_urls()]

    def text_preview_view(self, request):
        """A send_sms body rendered for the newest record of ``entity`` (the editor's live
        preview): JSON with the text, its characters and segments."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        body = request.GET.get("body", "")
        if len(body) > PREVIEW_MAX_BODY:
            return JsonResponse({"error": f"a text of at most {PREVIEW_MAX_BODY} characters"},
                                status=400)
        measure = measure_of(request.GET.get("type", ""), request.GET.get("param", ""))
        return JsonResponse(text_preview(body, request.GET.get("entity", ""), measure))

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        form = context["adminform"].form
        context["editor"] = {
            "schema": editor_schema(),
            "config": {"readonly": not self.has_change_permission(request, obj),
                       "preview_url": reverse("admin:workflows_workflowdefinition_text_preview")},
            "errors": {name: list(errors) for name, errors in form.errors.items()
                       if name in ADVANCED},
            "data": {name: getattr(obj, name) for name in ADVANCED} if obj is not None else {},
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def n8n_import_view(self, request):
        return n8n_import_view(self, request)

    def audience_view(self, request, pk):
        return audience_view(self, request, pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        definition = self.get_object(request, object_id)
        if request.method == "GET" and definition is not None \
                and self.has_change_permission(request, definition):
            self._warn_of_written_credentials(request, definition.steps)
        extra = {"step_types": sorted(REGISTRY), **(extra_context or {})}
        if definition is not None and definition.current_version_id and definition.is_audience:
            extra.update(audience_context(definition))
        elif definition is not None and definition.current_version_id:
            extra["preview"] = backtest(definition.content(), since=PREVIEW_WINDOW,
                                        max_events=PREVIEW_MAX_EVENTS)
            extra["versions"] = definition.versions.annotate(n=Coalesce(Subquery(
                WorkflowInstance.objects.filter(version=OuterRef("pk")).order_by()
                .values("version").annotate(n=Count("version")).values("n")), 0))[:10]
            extra["recent_matches"] = definition.event_matches.select_related(
                "event").order_by("-id")[:10]
        if definition is not None:
            extra["import_report"] = WorkflowImportReport.objects.filter(
                definition=definition).first()
        return super().change_view(request, object_id, form_url, extra)

    def _warn_of_written_credentials(self, request, steps) -> None:
        if written := written_credentials(steps):
            self.message_user(request, "Credentials written into this definition are stored "
                              "and exported with it (Viewers see them redacted): "
                              f"{'; '.join(written)}. Name them as {{{{ secrets.NAME }}}} in a "
                              "header instead, NAME a file in WORKFLOW_HTTP_SECRETS_DIR.",
                              messages.WARNING)

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {"step_types": sorted(REGISTRY),
                                                    **(extra_context or {})})

    def backtest_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        definition = get_object_or_404(WorkflowDefinition, pk=pk)
        since = request.GET.get("since", "30d")
        if definition.is_audience and definition.current_version_id:
            return audience_backtest_view(self, request, definition, since)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "definition": definition, "since": since, "title": f"Backtest: {definition}"}
        try:
            context["result"] = backtest(definition.content(), since=parse_since(since),
                                         sample_size=25)
        except ValidationError as exc:
            context["error"] = exc.messages[0]
        return TemplateResponse(request, "admin/workflows/backtest.html", context,
                                status=400 if "error" in context else 200)

    @admin.action(description="Export selected definitions as JSON", permissions=["view"])
    def export_json(self, request, queryset):
        exported = definition_export(queryset.order_by("name"),
                                     redacted=not self.has_change_permission(request))
        body = json.dumps(exported, indent=2,
                          ensure_ascii=False, cls=DjangoJSONEncoder)
        response = HttpResponse(body + "\n", content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="workflow-definitions.json"'
        return response

    @admin.action(description="Switch on (start instances)", permissions=["change"])
    def switch_on(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description="Switch off (running instances go on)", permissions=["change"])
    def switch_off(self, request, queryset):
        self._set_active(request, queryset, False)

    def _set_active(self, request, queryset, active):
        switched = 0
        for definition in queryset:
            try:
                definition_set_active(definition=definition, active=active,
                                      actor=request.user.get_username())
            except ValidationError as exc:
                self.message_user(request, f"{definition}: {exc.messages[0]}", messages.ERROR)
            else:
                switched += 1
        self.message_user(request, f"{switched} definition(s) switched "
                                   f"{'on' if active else 'off'}", messages.SUCCESS)
