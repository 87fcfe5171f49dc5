"""The GHL mirror: ``ghl_contacts``, ``ghl_opportunities``, ``ghl_pipelines``,
``ghl_pipeline_stages`` and ``ghl_users``, keyed by GHL's own ids.

Every row keeps the record as GHL last sent it in ``raw`` and typed columns for what the logic
and the admin use. ``as_of`` is the GHL time of the state the row holds (the record's
``dateUpdated``/``updatedAt``, or a webhook's ``timestamp``): a write carrying an older time
never overwrites a newer one, which is how a sync and several webhooks for one change converge.
Rows are written only by ``ghl.services``; GHL deletions mark ``deleted`` (the row stays, so
links to it keep their meaning).
"""

from __future__ import annotations

from django.db import models


class GHLRecord(models.Model):
    id = models.CharField(max_length=64, primary_key=True, verbose_name="GHL id")
    raw = models.JSONField(default=dict, blank=True, help_text="The record as GHL last sent it.")
    as_of = models.DateTimeField(null=True, blank=True,
                                 help_text="GHL's time of the state held here")
    deleted = models.BooleanField(default=False, db_index=True)
    synced_at = models.DateTimeField(help_text="when we last wrote this row")

    class Meta:
        abstract = True


class GHLContact(GHLRecord):
    location_id = models.CharField(max_length=64, blank=True, default="")
    first_name = models.CharField(max_length=255, blank=True, default="")
    last_name = models.CharField(max_length=255, blank=True, default="")
    name = models.CharField(max_length=255, blank=True, default="", db_index=True)
    company_name = models.CharField(max_length=255, blank=True, default="")
    email = models.CharField(max_length=255, blank=True, default="", db_index=True)
    phone = models.CharField(max_length=40, blank=True, default="", db_index=True)
    # ``phone`` as every lookup by phone compares it (config.phones); NULL when it is none.
    phone_e164 = models.CharField(  # noqa: DJ001 (no key is NULL, not "")
        "phone (E.164)", max_length=20, null=True, blank=True, db_index=True,
        editable=False)
    source = models.CharField(max_length=255, blank=True, default="")
    type = models.CharField(max_length=40, blank=True, default="")
    assigned_to = models.CharField(max_length=64, blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    dnd = models.BooleanField("DND (all channels)", default=False)
    sms_dnd = models.BooleanField("SMS DND", null=True, blank=True,
                                  help_text="unknown until GHL sends dndSettings (search "
                                            "results leave them out)")
    date_added = models.DateTimeField(null=True, blank=True)
    date_updated = models.DateTimeField(null=True, blank=True, db_index=True)
    st_customer_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, verbose_name="ServiceTitan customer",
        help_text="the ServiceTitan customer we pushed this contact from")

    class Meta:
        db_table = "ghl_contacts"
        verbose_name = "GHL contact"

    def __str__(self) -> str:
        return self.name or self.email or self.phone or self.id


class GHLOpportunity(GHLRecord):
    name = models.CharField(max_length=255, blank=True, default="")
    contact_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    pipeline_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    pipeline_stage_id = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=20, blank=True, default="", db_index=True)
    monetary_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    assigned_to = models.CharField(max_length=64, blank=True, default="")
    source = models.CharField(max_length=255, blank=True, default="")
    date_added = models.DateTimeField(null=True, blank=True)
    date_updated = models.DateTimeField(null=True, blank=True)
    last_status_change_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ghl_opportunities"
        verbose_name = "GHL opportunity"
        verbose_name_plural = "GHL opportunities"
        # The admin lists them most recently updated first.
        indexes = [models.Index(fields=["-date_updated"], name="ghl_opportunity_updated_idx")]

    def __str__(self) -> str:
        return self.name or self.id


class GHLPipeline(models.Model):
    id = models.CharField(max_length=64, primary_key=True, verbose_name="GHL id")
    name = models.CharField(max_length=255)
    location_id = models.CharField(max_length=64, blank=True, default="")
    active = models.BooleanField(default=True, help_text="still listed by GHL")
    raw = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField()

    class Meta:
        db_table = "ghl_pipelines"
        verbose_name = "GHL pipeline"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GHLPipelineStage(models.Model):
    id = models.CharField(max_length=64, primary_key=True, verbose_name="GHL id")
    pipeline = models.ForeignKey(GHLPipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=255)
    position = models.IntegerField(default=0)
    active = models.BooleanField(default=True, help_text="still listed by GHL")
    raw = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField()

    class Meta:
        db_table = "ghl_pipeline_stages"
        verbose_name = "GHL pipeline stage"
        ordering = ["pipeline_id", "position"]

    def __str__(self) -> str:
        return f"{self.pipeline.name} › {self.name}"


class GHLUser(models.Model):
    id = models.CharField(max_length=64, primary_key=True, verbose_name="GHL id")
    name = models.CharField(max_length=255, blank=True, default="")
    email = models.CharField(max_length=255, blank=True, default="", db_index=True)
    phone = models.CharField(max_length=40, blank=True, default="")
    role = models.CharField(max_length=60, blank=True, default="")
    active = models.BooleanField(default=True, help_text="still listed by GHL")
    raw = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField()

    class Meta:
        db_table = "ghl_users"
        verbose_name = "GHL user"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name or self.id
