"""The run log of audience triggers: one row per evaluation of a definition's audience.

A completed run is unique per (definition, local day): the schedule evaluates each audience at
most once a day, and the constraint is the last word when two workers try. A failed run is
kept for staff (its error) and does not count: the next schedule tick tries again.
"""

from __future__ import annotations

from django.db import models


class AudienceRunStatus(models.TextChoices):
    COMPLETED = "completed", "completed"
    FAILED = "failed", "failed"


class AudienceRun(models.Model):
    definition = models.ForeignKey("workflows.WorkflowDefinition", on_delete=models.CASCADE,
                                   related_name="audience_runs")
    version = models.ForeignKey("workflows.WorkflowDefinitionVersion", on_delete=models.PROTECT,
                                related_name="+")
    day = models.DateField(help_text="the evaluation's day in the business time zone")
    status = models.CharField(max_length=20, choices=AudienceRunStatus.choices)
    evaluated = models.PositiveIntegerField(default=0, help_text="records of the entity type")
    matched = models.PositiveIntegerField(default=0, help_text="the rule matched")
    excluded = models.PositiveIntegerField(default=0, help_text="matched, but an exclusion too")
    already = models.PositiveIntegerField(
        default=0, help_text="in the audience, but entered before (entry policy) or still in "
                             "an instance")
    entered = models.PositiveIntegerField(default=0, help_text="instances started")
    capped = models.PositiveIntegerField(default=0, help_text="newcomers held back by the "
                                                              "daily cap (they enter later)")
    ended = models.PositiveIntegerField(default=0, help_text="instances ended because their "
                                                             "entity left the audience")
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField()
    duration_ms = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "workflow_audience_runs"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["definition", "-started_at"],
                                name="wf_audience_run_recent_idx")]
        constraints = [models.UniqueConstraint(
            fields=["definition", "day"], condition=models.Q(status="completed"),
            name="wf_audience_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.day} {self.status}"
