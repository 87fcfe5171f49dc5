"""GHL as the SMS conversation provider: the durable outbox of what GHL must be told, the
contact's GHL conversation per phone, and the texts GHL asked us to send.

``ghl_conversation_outbox``: one row per thing to tell GHL, keyed so it is made once — a text
received (``in:<sms id>``), a text we sent (``out:<sms id>``), the final status of a text a
rep sent from GHL (``status:<sms id>:<status>``). Drained by the cluster with backoff; a row
is ``done`` once GHL answered, ``gave_up`` after a permanent error or the last attempt (staff
see and requeue it in the admin).
"""

from __future__ import annotations

from django.db import models


class ConversationOutbox(models.Model):
    class Kind(models.TextChoices):
        INBOUND = "inbound", "a customer's text, into the GHL conversation"
        OUTBOUND = "outbound", "our text, into the GHL conversation"
        STATUS = "status", "the status of a rep's text, to GHL"

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        GAVE_UP = "gave_up", "gave up"

    key = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sms_message = models.ForeignKey("messaging.SmsMessage", on_delete=models.CASCADE,
                                    related_name="+", db_constraint=False)
    payload = models.JSONField(default=dict, blank=True,
                               help_text="status: the GHL status and error to send")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    ghl_message_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ghl_conversation_outbox"
        verbose_name = "GHL conversation outbox item"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["key"], name="ghl_outbox_key_once")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="ghl_outbox_due_idx",
                         condition=models.Q(state="pending")),
            models.Index(fields=["sms_message", "kind"], name="ghl_outbox_sms_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.state}"


class ConversationThread(models.Model):
    """The GHL contact and conversation of a phone number (found or created once)."""

    phone = models.CharField(max_length=64)
    contact_id = models.CharField(max_length=64)
    conversation_id = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ghl_conversation_threads"
        constraints = [models.UniqueConstraint(fields=["phone"], name="ghl_thread_per_phone")]

    def __str__(self) -> str:
        return f"{self.phone} → {self.contact_id}"


class ProviderMessage(models.Model):
    """A text a rep sent from GHL (the provider webhook), once per GHL ``messageId``."""

    ghl_message_id = models.CharField(max_length=64)
    contact_id = models.CharField(max_length=64)
    user_id = models.CharField(max_length=64, blank=True, default="")
    phone = models.CharField(max_length=64)
    sms_message = models.ForeignKey("messaging.SmsMessage", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    db_constraint=False)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "ghl_provider_messages"
        verbose_name = "text sent from GHL"
        verbose_name_plural = "texts sent from GHL"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["ghl_message_id"],
                                               name="ghl_provider_message_once")]

    def __str__(self) -> str:
        return f"GHL {self.ghl_message_id}"
