"""Who may be texted: ``customer_communication_preferences`` (one row per E.164 number) and
its audit trail (``customer_communication_preference_changes``: every change, who or what
made it, and why). Written only by ``messaging.services.preferences``."""

from __future__ import annotations

from django.db import models


class OptOutSource(models.TextChoices):
    KEYWORD = "keyword", "keyword (STOP…)"
    CARRIER = "carrier", "carrier / Twilio 21610"
    STAFF = "staff", "staff"
    FREE_TEXT = "free_text", "free-text reply"
    GHL = "ghl", "GoHighLevel"
    IMPORT = "import", "imported list"


class PreferenceAction(models.TextChoices):
    OPTED_OUT = "opted_out", "opted out"
    OPTED_IN = "opted_in", "opted back in"
    REVIEWED = "reviewed", "free-text opt-out reviewed"


class CommunicationPreference(models.Model):
    phone = models.CharField(max_length=20, unique=True, help_text="E.164")
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    sms_opted_out = models.BooleanField("SMS opted out", default=False, db_index=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    opt_out_source = models.CharField(max_length=20, choices=OptOutSource.choices, blank=True,
                                      default="")
    opted_in_at = models.DateTimeField("opted back in at", null=True, blank=True)
    needs_review = models.BooleanField(
        default=False, db_index=True,
        help_text="a free-text reply was taken as an opt-out: staff confirm or undo it")
    review_message = models.ForeignKey("messaging.SmsMessage", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+",
                                       help_text="the reply that opted the number out")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "customer_communication_preferences"
        ordering = ["-updated_at"]
        verbose_name = "communication preference"

    def __str__(self) -> str:
        return f"{self.phone} ({'opted out' if self.sms_opted_out else 'may be texted'})"


class OptOutReview(CommunicationPreference):
    """The review queue: free-text opt-outs staff have not looked at yet (admin only)."""

    class Meta:
        proxy = True
        verbose_name = "free-text opt-out to review"
        verbose_name_plural = "free-text opt-outs to review"


class PreferenceChange(models.Model):
    preference = models.ForeignKey(CommunicationPreference, on_delete=models.CASCADE,
                                   related_name="changes")
    action = models.CharField(max_length=20, choices=PreferenceAction.choices)
    source = models.CharField(max_length=20, choices=OptOutSource.choices)
    actor = models.CharField(max_length=150, help_text="a staff username, customer, twilio, …")
    reason = models.TextField(blank=True, default="")
    message = models.ForeignKey("messaging.SmsMessage", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "customer_communication_preference_changes"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor} ({self.source})"
