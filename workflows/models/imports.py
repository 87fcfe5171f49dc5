"""What an import from another tool made of the workflow a definition came from."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from workflows.models.definitions import WorkflowDefinition


class WorkflowImportReport(models.Model):
    """The report of an n8n import, kept with the definition it created: every node of the
    n8n workflow, converted, approximated (how), unsupported (why) or dropped
    (``workflows.n8n.report.WorkflowReport.as_dict``). Written once, by the import."""

    definition = models.OneToOneField(WorkflowDefinition, on_delete=models.CASCADE,
                                      related_name="import_report")
    source = models.CharField(max_length=255, help_text="the file imported")
    workflow_name = models.CharField(max_length=200, help_text="the n8n workflow's name")
    report = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        db_table = "workflow_import_reports"

    def __str__(self) -> str:
        return f"{self.source}: {self.workflow_name}"
