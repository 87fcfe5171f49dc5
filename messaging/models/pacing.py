"""Per-sender pacing: when each sender (a number or Messaging Service) may next hand Twilio a
segment. Kept in the database so every process shares it (see ``services.pacing``)."""

from __future__ import annotations

from django.db import models


class SenderPace(models.Model):
    sender = models.CharField(max_length=64, unique=True)
    next_free_at = models.DateTimeField()

    class Meta:
        db_table = "sms_sender_pacing"

    def __str__(self) -> str:
        return f"{self.sender}: next slot {self.next_free_at.isoformat()}"
