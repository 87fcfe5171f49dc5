"""Workflow tables. ``WorkflowEvent`` is the outbox every data change writes to, in the same
transaction as the change; the engine consumes it."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class WorkflowEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    event_type = models.CharField(max_length=100, db_index=True,
                                  help_text="e.g. estimate.created, job.completed, sms.received")
    entity_type = models.CharField(max_length=50, help_text="e.g. estimate, job, sms")
    entity_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    source = models.CharField(max_length=30, default="", blank=True,
                              help_text="servicetitan, ghl, twilio, staff, …")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "workflow_events"
        indexes = [models.Index(fields=["entity_type", "entity_id"], name="wf_event_entity_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.entity_type}:{self.entity_id}"
