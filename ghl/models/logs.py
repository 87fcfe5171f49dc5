"""Bookkeeping: a row per sync run and resource (``ghl_sync_log``), where incremental syncs
resume (``ghl_sync_state``), the webhook deliveries as received (``ghl_webhook_log``) and how
many were refused (``ghl_webhook_refusals``)."""

from __future__ import annotations

from django.db import models


class SyncLog(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCESS = "success"
        FAILED = "failed"
        BUSY = "busy", "skipped: another sync held it"

    run_id = models.UUIDField(db_index=True)
    resource = models.CharField(max_length=30)
    full = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0, help_text="rows inserted or changed")
    error = models.TextField(blank=True, default="")

    class Meta:
        db_table = "ghl_sync_log"
        verbose_name = "GHL sync run"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.resource} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class SyncState(models.Model):
    resource = models.CharField(max_length=30, primary_key=True)
    watermark = models.DateTimeField(null=True, blank=True,
                                     help_text="newest GHL update time seen (incremental)")
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ghl_sync_state"

    def __str__(self) -> str:
        return f"{self.resource} since {self.watermark}"


class WebhookDelivery(models.Model):
    """Each accepted POST to ``/webhooks/ghl/``, stored before anything is applied, and a
    bounded sample of the refused ones: each refusal verdict has ``REFUSED_SAMPLE`` slots,
    reused round-robin (``slot``), so junk cannot grow the table; ``WebhookRefusals`` counts
    them all.

    An accepted delivery is applied in its request, and retried by
    ``ghl.tasks.retry_webhook_deliveries`` when it is left ``pending`` (the process stopped
    before applying it) or ``failed`` (a transient error): each attempt is claimed (counted in
    ``attempts``, ``next_attempt_at`` pushed back) before it starts, so two processes never
    apply one delivery at once, and ``gave_up`` is final (a permanent error, or
    ``GHL_WEBHOOK_MAX_ATTEMPTS`` spent)."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        UNSIGNED = "unsigned", "Unsigned"
        BAD_SIGNATURE = "bad_signature", "Bad signature"
        MALFORMED = "malformed", "Malformed"
        STALE = "stale", "Stale timestamp"
        REPLAYED = "replayed", "Replayed webhookId"
        OTHER_LOCATION = "other_location", "Not our location"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied (changed the mirror)"
        UNCHANGED = "unchanged", "No change (older or already held)"
        IGNORED = "ignored", "Ignored (type not handled)"
        FAILED = "failed", "Failed (will be retried)"
        GAVE_UP = "gave_up", "Gave up (see the error)"
        REJECTED = "rejected", "Rejected"

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    event_type = models.CharField(max_length=60, blank=True, default="", db_index=True)
    webhook_id = models.CharField(max_length=100, blank=True, default="", db_index=True)
    record_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    event_timestamp = models.DateTimeField(null=True, blank=True)
    signature = models.CharField(max_length=10, blank=True, default="",
                                 help_text="the signature that was checked: ed25519 or rsa")
    verdict = models.CharField(max_length=15, choices=Verdict.choices, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    error = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="", help_text="the raw body (cut short when "
                                                                "rejected)")
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="times applying started")
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="when the retry task may apply it (pending or failed)")
    slot = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False,
        help_text="a refused delivery's place in its verdict's sample (reused)")

    class Meta:
        db_table = "ghl_webhook_log"
        verbose_name = "GHL webhook delivery"
        verbose_name_plural = "GHL webhook log"
        ordering = ["-received_at"]
        constraints = [
            # A webhookId is accepted once: a second accepted row cannot exist, even when two
            # deliveries race (the loser is stored as replayed).
            models.UniqueConstraint(fields=["webhook_id"], name="ghl_webhook_accepted_once",
                                    condition=models.Q(verdict="accepted")),
            # One row per slot of a verdict's sample (accepted rows have none: NULLs differ).
            models.UniqueConstraint(fields=["verdict", "slot"], name="ghl_webhook_refused_slot"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="ghl_webhook_due",
                         condition=models.Q(status__in=["pending", "failed"])),
        ]

    def __str__(self) -> str:
        return f"{self.event_type or '?'} {self.webhook_id or ''} ({self.verdict})"


class WebhookRefusals(models.Model):
    """How many GHL webhook deliveries were refused, per verdict, since the first one (the
    log keeps only a sample of them)."""

    verdict = models.CharField(max_length=15, primary_key=True,
                               choices=WebhookDelivery.Verdict.choices)
    count = models.BigIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        db_table = "ghl_webhook_refusals"
        verbose_name = "GHL webhook refusal count"
        ordering = ["verdict"]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.count}"
