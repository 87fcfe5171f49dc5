"""Every text in and out (``sms_messages``) and every status callback Twilio posted
(``sms_status_callbacks``).

An outbound row is written (``pending``) before Twilio is called and updated after, so each
attempt is visible; its ``idempotency_key`` makes a retried send find it instead of sending
again. Rows are written only by ``messaging.services``.
"""

from __future__ import annotations

from django.db import models


class Direction(models.TextChoices):
    INBOUND = "inbound", "inbound"
    OUTBOUND = "outbound", "outbound"


class Purpose(models.TextChoices):
    MARKETING = "marketing", "marketing (quiet hours apply)"
    TRANSACTIONAL = "transactional", "transactional"
    # A reply to the customer's own text: opt-outs and do-not-text hold, quiet hours and the
    # marketing cap do not (they are marketing rules).
    CONVERSATIONAL = "conversational", "conversational (a reply to the customer)"


class SmsStatus(models.TextChoices):
    # Ours, before or instead of Twilio.
    PENDING = "pending", "pending (being handed to Twilio)"
    DEFERRED = "deferred", "deferred (quiet hours, frequency cap)"
    RETRYING = "retrying", "will retry (temporary error)"
    BLOCKED = "blocked", "blocked (opted out / do not text)"
    UNKNOWN = "unknown", "outcome unknown (check before resending)"
    # Twilio's.
    ACCEPTED = "accepted", "accepted"
    SCHEDULED = "scheduled", "scheduled"
    QUEUED = "queued", "queued"
    SENDING = "sending", "sending"
    SENT = "sent", "sent"
    DELIVERED = "delivered", "delivered"
    UNDELIVERED = "undelivered", "undelivered"
    FAILED = "failed", "failed"
    CANCELED = "canceled", "canceled"
    READ = "read", "read"
    RECEIVED = "received", "received"


S = SmsStatus
# Twilio's statuses in the order a message moves through them; a callback never moves a
# message to a lower rank (a late "sent" does not overwrite "delivered").
_RANKS = {S.ACCEPTED: 1, S.SCHEDULED: 1, S.QUEUED: 1, S.SENDING: 2, S.SENT: 3,
          S.DELIVERED: 4, S.UNDELIVERED: 4, S.FAILED: 4, S.CANCELED: 4, S.READ: 5}
TWILIO_STATUSES = tuple(_RANKS)
RESUMABLE = (S.DEFERRED, S.RETRYING)          # a send with the same key may go ahead
IN_FLIGHT = (S.ACCEPTED, S.SCHEDULED, S.QUEUED, S.SENDING)
FAILURES = (S.UNDELIVERED, S.FAILED)


def status_rank(status: str) -> int | None:
    """The rank of a Twilio status, None for ours and for statuses we do not know."""
    return _RANKS.get(status)


class SmsMessage(models.Model):
    direction = models.CharField(max_length=10, choices=Direction.choices)
    # Unique through Meta.constraints, not unique=True: that would add a second, LIKE-only
    # index per column that every insert pays for and no query uses. NULL, not "": many rows
    # have no SID yet (or no key) and the unique constraints must let them be.
    sid = models.CharField("Twilio SID", max_length=64, null=True, blank=True)  # noqa: DJ001
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    from_number = models.CharField(max_length=64)
    to_number = models.CharField(max_length=64)
    phone = models.CharField(max_length=64, help_text="the customer's side (E.164 when valid)")
    body = models.TextField(blank=True, default="")
    segments = models.PositiveSmallIntegerField(null=True, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True, default="")
    status = models.CharField(max_length=20, choices=SmsStatus.choices)
    error_code = models.IntegerField(null=True, blank=True)
    error_message = models.CharField(max_length=255, blank=True, default="")
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    workflow_instance_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    workflow_step_id = models.CharField(max_length=100, blank=True, default="")
    origin = models.CharField(max_length=40, blank=True, default="", db_default="",
                              help_text="outbound: who wrote it — staff:<user>, ghl:<user id>; "
                                        "empty for workflows and services")
    intent = models.CharField(max_length=20, blank=True, default="",
                              help_text="inbound: opt_out, opt_in, help, free_text_opt_out")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="outbound: Twilio calls")
    send_after = models.DateTimeField(null=True, blank=True,
                                      help_text="deferred or retrying: not before this time")
    raw = models.JSONField(default=dict, blank=True,
                           help_text="inbound: the webhook parameters as received")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Twilio accepted it")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True, help_text="undelivered or failed")
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "sms_messages"
        verbose_name = "SMS message"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sid"], name="sms_messages_sid_uniq"),
            models.UniqueConstraint(fields=["idempotency_key"],
                                    name="sms_messages_idempotency_key_uniq"),
        ]
        indexes = [
            models.Index(fields=["phone", "created_at"], name="sms_phone_time_idx"),
            models.Index(fields=["status", "direction"], name="sms_status_idx"),
            models.Index(fields=["send_after"], name="sms_due_idx",
                         condition=models.Q(status__in=RESUMABLE)),
            # The frequency cap's count (messaging.policy.cap_until): a number's marketing
            # texts handed to Twilio in the last 7 days.
            models.Index(fields=["phone", "submitted_at"], name="sms_marketing_cap_idx",
                         condition=models.Q(direction="outbound", purpose="marketing",
                                            submitted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        arrow = "←" if self.direction == Direction.INBOUND else "→"
        return f"{arrow} {self.phone} {self.status}"


class SmsStatusCallback(models.Model):
    """One row per (MessageSid, MessageStatus) Twilio posted: the deduplication key, and the
    record of callbacks that arrived before we had stored the message's SID."""

    sid = models.CharField("Twilio SID", max_length=64)
    status = models.CharField(max_length=20)
    error_code = models.IntegerField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "sms_status_callbacks"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["sid", "status"],
                                               name="sms_callback_once")]

    def __str__(self) -> str:
        return f"{self.sid} {self.status}"
