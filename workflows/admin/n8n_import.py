"""Uploading n8n exports in the admin (Workflow definitions → "Import from n8n"): Managers
upload an export, read the report of each workflow, and follow the links to the definitions
it created — inactive — to review and switch them on in the usual change page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from workflows.n8n.reader import MAX_BYTES
from workflows.services.n8n_import import ImportResult, Upload, n8n_import

TEMPLATE = "admin/workflows/workflowdefinition/n8n_import.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files (Django's recipe for a multiple-file field)."""

    def __init__(self, **kwargs: Any):
        super().__init__(widget=MultipleFileInput(attrs={"accept": ".json,application/json"}),
                         **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class N8nImportForm(forms.Form):
    files = MultipleFileField(
        help_text=f"n8n exports (Download, or n8n export:workflow): .json files of at most "
                  f"{MAX_BYTES // 1024 // 1024} MB, each one workflow or a list of them.")
    dry_run = forms.BooleanField(required=False, label="Dry run",
                                 help_text="Show the report only; create nothing.")

    def clean_files(self) -> list[Any]:
        uploads = self.cleaned_data["files"]
        for upload in uploads:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(f"{upload.name} is larger than "
                                            f"{MAX_BYTES // 1024 // 1024} MB")
        return uploads


def n8n_import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """The upload page; POST imports and shows the reports. Managers only: importing adds
    definitions."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = N8nImportForm(request.POST or None, request.FILES or None)
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
               "title": "Import workflows from n8n", "form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = n8n_import(uploads=[Upload(f.name, f.read()) for f in
                                         form.cleaned_data["files"]],
                                actor=request.user.get_username(),
                                dry_run=form.cleaned_data["dry_run"])
            context["result"] = result
            context["workflows"] = _rows(result)
            status = 400 if result.unreadable and not result.created else 200
        else:
            status = 400
    return TemplateResponse(request, TEMPLATE, context, status=status)


def _rows(result: ImportResult) -> list[dict[str, Any]]:
    """Each workflow's report, with links to the definitions it created."""
    return [{"report": workflow.report, "not_created": workflow.not_created,
             "created": [{"created": created, "url": reverse(
                 "admin:workflows_workflowdefinition_change", args=[created.id])
                 if created.id else None} for created in workflow.created]}
            for file in result.files for workflow in file.workflows]
