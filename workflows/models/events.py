"""The event outbox every data change writes to (in the same transaction as the change) and
the record of what the engine made of each event, per candidate definition."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class WorkflowEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    event_type = models.CharField(max_length=100,
                                  help_text="e.g. estimate.created, job.completed, sms.received")
    entity_type = models.CharField(max_length=50, help_text="e.g. estimate, job, sms")
    entity_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    source = models.CharField(max_length=30, default="", blank=True,
                              help_text="servicetitan, ghl, twilio, staff, …")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set by the engine once it has matched the event against the definitions, cancelled what
    # it cancels and woken the instances waiting for it. NULL: still to do.
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "workflow_events"
        indexes = [
            models.Index(fields=["entity_type", "entity_id"], name="wf_event_entity_idx"),
            # Backtests and the admin: events of a type in a period.
            models.Index(fields=["event_type", "created_at"], name="wf_event_type_time_idx"),
            # The engine's queue: small, because processed rows drop out of it.
            # The admin's source filter: its values (a loose index scan) and its rows. A
            # handful of values, which B-tree deduplication stores compactly.
            models.Index(fields=["source"], name="wf_event_source_idx"),
            models.Index(fields=["id"], name="wf_event_unprocessed_idx",
                         condition=models.Q(processed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.entity_type}:{self.entity_id}"


class MatchOutcome(models.TextChoices):
    STARTED = "started", "instance started"
    NO_MATCH = "no_match", "conditions not met"
    REENTRY_BLOCKED = "reentry_blocked", "re-entry blocked"
    DUPLICATE = "duplicate", "already handled"
    ERROR = "error", "error"


class WorkflowEventMatch(models.Model):
    """One row per (event, active definition with that trigger): the answer to "why did (or
    didn't) this event start that workflow", with every condition's actual value."""

    event = models.ForeignKey(WorkflowEvent, on_delete=models.CASCADE, related_name="matches")
    definition = models.ForeignKey("workflows.WorkflowDefinition", on_delete=models.CASCADE,
                                   related_name="event_matches")
    version = models.ForeignKey("workflows.WorkflowDefinitionVersion", on_delete=models.PROTECT,
                                related_name="+")
    outcome = models.CharField(max_length=20, choices=MatchOutcome.choices)
    instance = models.ForeignKey("workflows.WorkflowInstance", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=255, blank=True, default="")
    checks = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder,
                              help_text="each condition with its actual value and result")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "workflow_event_matches"
        constraints = [models.UniqueConstraint(fields=["event", "definition"],
                                               name="wf_match_once_per_event_definition")]

    def __str__(self) -> str:
        return f"event {self.event_id} × definition {self.definition_id}: {self.outcome}"
