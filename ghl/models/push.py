"""Estimates pushed to GHL: the link from a ServiceTitan estimate to its opportunity, and the
staff-editable mapping from an estimate's status to an opportunity stage and status."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from ghl.models.mirror import GHLOpportunity, GHLPipeline, GHLPipelineStage
from servicetitan import models as st

# The ServiceTitan estimate statuses, each with the GHL opportunity status it means by default.
ST_ESTIMATE_STATUSES = {"Open": "open", "Sold": "won", "Dismissed": "lost"}


class OpportunityStatus(models.TextChoices):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    ABANDONED = "abandoned"


class EstimateOpportunity(models.Model):
    """One row per estimate we ever tried to push. The push locks this row, so two workers
    pushing one estimate create one opportunity. ``opportunity`` is set only once GHL has
    created it: a failed push records ``last_error`` and leaves no half-made link."""

    class State(models.TextChoices):
        PENDING = "pending"
        LINKED = "linked"
        FAILED = "failed"

    estimate = models.OneToOneField(
        "servicetitan.Estimate", primary_key=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="ghl_link",
        help_text="ServiceTitan is the source of truth: no database constraint")
    opportunity = models.OneToOneField(
        GHLOpportunity, null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False,
        related_name="estimate_link")
    contact_id = models.CharField("GHL contact", max_length=64, blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING,
                             db_index=True)
    last_error = models.TextField(blank=True, default="")
    pushed_status = models.CharField("estimate status pushed", max_length=40, blank=True,
                                     default="")
    pushed_stage_id = models.CharField(max_length=64, blank=True, default="")
    pushed_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    assigned_to = models.CharField("GHL user assigned", max_length=64, blank=True, default="")
    pushes = models.PositiveIntegerField(default=0, help_text="successful pushes")
    pushed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ghl_estimate_opportunities"
        verbose_name = "estimate pushed to GHL"
        verbose_name_plural = "estimates pushed to GHL"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"estimate {self.estimate_id} → {self.opportunity_id or self.state}"


class StageMapping(models.Model):
    """Where an estimate in a ServiceTitan status goes in a GHL pipeline. Installed with
    defaults on the first pipeline sync (Open → the first stage; Sold → won; Dismissed →
    lost); staff change them in the admin and later syncs never overwrite them."""

    pipeline = models.ForeignKey(GHLPipeline, on_delete=models.CASCADE, related_name="mappings")
    st_status = models.CharField("ServiceTitan estimate status", max_length=40)
    stage = models.ForeignKey(GHLPipelineStage, on_delete=models.PROTECT, related_name="+")
    ghl_status = models.CharField("opportunity status", max_length=20,
                                  choices=OpportunityStatus.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ghl_stage_mappings"
        verbose_name = "estimate status → stage mapping"
        constraints = [models.UniqueConstraint(fields=["pipeline", "st_status"],
                                               name="ghl_stage_mapping_once")]
        ordering = ["pipeline_id", "st_status"]

    def __str__(self) -> str:
        return f"{self.st_status} → {self.stage.name} ({self.ghl_status})"

    def clean(self) -> None:
        if self.stage_id and self.pipeline_id and self.stage.pipeline_id != self.pipeline_id:
            raise ValidationError({"stage": f"{self.stage} is not a stage of {self.pipeline}"})


class EstimateToPush(st.Estimate):
    """ServiceTitan estimates as the GHL admin lists them (with their push state and the
    "push to GHL" action). A proxy: no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "estimate (push to GHL)"
        verbose_name_plural = "estimates (push to GHL)"
