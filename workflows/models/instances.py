"""Workflow instances (one run of a definition version for one entity), their step runs (one
row per attempt) and the audit log of staff and engine actions on them.

Instances are written only by the engine and ``workflows.services``; the database enforces
"one instance per (definition, trigger event)" and the one-live-instance re-entry rule.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class InstanceStatus(models.TextChoices):
    PENDING = "pending", "pending"        # due at next_run_at (a new instance, a retry)
    RUNNING = "running", "running"        # claimed by a worker until claim_expires_at
    WAITING = "waiting", "waiting"        # parked until next_run_at or an awaited event
    COMPLETED = "completed", "completed"
    FAILED = "failed", "failed"
    CANCELLED = "cancelled", "cancelled"


LIVE_STATUSES = (InstanceStatus.PENDING, InstanceStatus.RUNNING, InstanceStatus.WAITING)
DUE_STATUSES = (InstanceStatus.PENDING, InstanceStatus.WAITING)


class WorkflowInstance(models.Model):
    definition = models.ForeignKey("workflows.WorkflowDefinition", on_delete=models.PROTECT,
                                   related_name="instances")
    version = models.ForeignKey("workflows.WorkflowDefinitionVersion", on_delete=models.PROTECT,
                                related_name="instances")
    entity_type = models.CharField(max_length=50)
    entity_id = models.CharField(max_length=64)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    trigger_event = models.ForeignKey("workflows.WorkflowEvent", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="instances")
    # An audience trigger's start: the (local) day of the evaluation that entered the entity.
    # One start per (definition, entity, day), so re-running an evaluation starts nothing twice.
    audience_day = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=InstanceStatus.choices,
                              default=InstanceStatus.PENDING)
    status_detail = models.CharField(max_length=255, blank=True, default="")
    current_step = models.CharField(max_length=100, blank=True, default="",
                                    help_text="the step that runs when the instance is due")
    next_run_at = models.DateTimeField(null=True, blank=True)
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    attempts = models.PositiveIntegerField(default=0, help_text="failed attempts of this step")
    last_error = models.TextField(blank=True, default="")
    # How often the engine has entered each step: the idempotency key of a step entered again
    # (a loop) gets a suffix, so a loop's second text is not mistaken for the first.
    visits = models.JSONField(default=dict, blank=True)
    # Re-entry guard: True while the policy allows one live instance per entity (see the
    # conditional unique constraint below).
    exclusive = models.BooleanField(default=True)
    # Waiting for an event (StepOutcome.wait_for_event).
    wait_event_type = models.CharField(max_length=100, blank=True, default="")
    wait_correlation = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    wait_step = models.CharField(max_length=100, blank=True, default="")
    timeout_step = models.CharField(max_length=100, blank=True, default="")
    # The claim of the worker running it; a claim past its lease is swept back to pending.
    claimed_by = models.CharField(max_length=100, blank=True, default="")
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "workflow_instances"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["next_run_at"], name="wf_instance_due_idx",
                         condition=models.Q(status__in=DUE_STATUSES)),
            models.Index(fields=["entity_type", "entity_id"], name="wf_instance_entity_idx"),
            models.Index(fields=["wait_event_type"], name="wf_instance_waiting_idx",
                         condition=models.Q(status=InstanceStatus.WAITING)
                         & ~models.Q(wait_event_type="")),
            models.Index(fields=["claim_expires_at"], name="wf_instance_claim_idx",
                         condition=models.Q(status=InstanceStatus.RUNNING)),
            models.Index(fields=["status", "definition"], name="wf_instance_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["definition", "trigger_event"],
                                    name="wf_instance_once_per_event"),
            models.UniqueConstraint(fields=["definition", "entity_type", "entity_id"],
                                    condition=models.Q(exclusive=True,
                                                       status__in=LIVE_STATUSES),
                                    name="wf_instance_one_live_per_entity"),
            models.UniqueConstraint(fields=["definition", "entity_type", "entity_id",
                                            "audience_day"],
                                    condition=models.Q(audience_day__isnull=False),
                                    name="wf_instance_once_per_audience_day"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entity_type} {self.entity_id}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class StepRunStatus(models.TextChoices):
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "succeeded"
    RETRYING = "retrying", "failed, will retry"
    FAILED = "failed", "failed"
    LOST = "lost", "worker lost"
    SKIPPED = "skipped", "skipped by staff"


class WorkflowStepRun(models.Model):
    """One attempt at one step. Side-effecting steps get their row (status running) committed
    before they start, so a worker killed mid-step leaves a visible attempt behind."""

    instance = models.ForeignKey(WorkflowInstance, on_delete=models.CASCADE,
                                 related_name="step_runs")
    step_id = models.CharField(max_length=100)
    step_type = models.CharField(max_length=60)
    attempt = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=StepRunStatus.choices)
    idempotency_key = models.CharField(max_length=200, db_index=True)
    input = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    output = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True, default="")
    worker = models.CharField(max_length=100, blank=True, default="")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "workflow_step_runs"
        ordering = ["id"]
        indexes = [models.Index(fields=["instance", "id"], name="wf_steprun_instance_idx"),
                   models.Index(fields=["status", "started_at"], name="wf_steprun_status_idx")]

    def __str__(self) -> str:
        return f"{self.step_id} attempt {self.attempt}: {self.status}"


class WorkflowAuditLog(models.Model):
    """What happened to an instance besides step runs: started, cancelled, retried, skipped,
    woken by an event, timed out, a lost worker — and who did it."""

    instance = models.ForeignKey(WorkflowInstance, on_delete=models.CASCADE,
                                 related_name="audit_log")
    action = models.CharField(max_length=40)
    actor = models.CharField(max_length=150, help_text="a staff username, or engine")
    detail = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "workflow_audit_log"
        ordering = ["id"]
        indexes = [models.Index(fields=["instance", "id"], name="wf_audit_instance_idx")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor}"
