"""``sms_conversations``: one row per phone number that texted us something to answer — the
back office's inbox.

A conversation is ``open`` from an ordinary inbound text (a keyword such as STOP opens
nothing) until a reply goes out (``answered``) or staff close it (``closed``); the next
inbound text opens it again. ``unanswered_since`` is the first unanswered text of the current
spell, what the inbox sorts by and the reminder measures. The inbound webhook's statement
writes the row together with the text (``messaging.services.received``) and raises
``needs_attention``; ``messaging.services.conversations.attend`` (a cluster task, off the
request) then picks the owner and emails them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ConversationState(models.TextChoices):
    OPEN = "open", "open (unanswered)"
    ANSWERED = "answered", "answered"
    CLOSED = "closed", "closed"


class Conversation(models.Model):
    phone = models.CharField(max_length=64, help_text="the customer's number (E.164)")
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=ConversationState.choices,
                             default=ConversationState.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="sms_conversations")
    owner_rule = models.CharField(max_length=255, blank=True, default="",
                                  help_text="why this owner (or the group) has it")
    unanswered_since = models.DateTimeField(null=True, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_inbound_id = models.BigIntegerField(null=True, blank=True)
    last_outbound_at = models.DateTimeField(null=True, blank=True)
    needs_attention = models.BooleanField(default=False,
                                          help_text="a new text: owner and email pending")
    notified_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "sms_conversations"
        ordering = [models.F("unanswered_since").desc(nulls_last=True), "-last_inbound_at"]
        constraints = [models.UniqueConstraint(fields=["phone"],
                                               name="sms_conversation_per_phone")]
        indexes = [
            models.Index(fields=["owner", "state"], name="sms_conversation_owner_idx"),
            models.Index(fields=["id"], name="sms_conversation_attention_idx",
                         condition=models.Q(needs_attention=True)),
            models.Index(fields=["unanswered_since"], name="sms_conversation_open_idx",
                         condition=models.Q(state="open")),
        ]
        permissions = [("reply_conversation", "Can reply to customers' texts")]

    def __str__(self) -> str:
        return f"{self.phone} ({self.state})"
