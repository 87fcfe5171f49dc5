"""The scheduled sender's work (``messaging.tasks.send_due_messages``, every minute): texts
that were deferred by quiet hours or left to retry, once their time has come, and rows left
``pending`` by a process that died (they become ``unknown``).

Texts a workflow step sent are left to the workflow engine, which re-runs the step at the
same moment with the same idempotency key; resuming them here too would be harmless (the
claim in ``send._record`` lets only one caller send) but would muddle the step's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from messaging.conf import messaging_conf
from messaging.models import RESUMABLE, Direction, SmsMessage, SmsStatus
from messaging.services.send import UNKNOWN_OUTCOME, resume

MAX_ATTEMPTS = 5


@dataclass
class DueOutcome:
    resumed: int = 0
    given_up: int = 0
    unknown: int = 0


def send_due(now: datetime | None = None, limit: int = 200) -> DueOutcome:
    now = now or timezone.now()
    outcome = DueOutcome(unknown=settle_stale_pending(now))
    due = SmsMessage.objects.filter(direction=Direction.OUTBOUND, status__in=RESUMABLE,
                                    send_after__lte=now, workflow_instance_id__isnull=True)
    for message in due.order_by("send_after")[:limit]:
        if message.attempts >= MAX_ATTEMPTS:
            outcome.given_up += SmsMessage.objects.filter(
                pk=message.pk, status=message.status).update(
                status=SmsStatus.FAILED, failed_at=now, updated_at=now,
                error_message=f"gave up after {message.attempts} attempts: "
                              f"{message.error_message}"[:255])
            continue
        resume(message, now=now)
        outcome.resumed += 1
    return outcome


def settle_stale_pending(now: datetime) -> int:
    cutoff = now - messaging_conf().stale_pending
    return SmsMessage.objects.filter(status=SmsStatus.PENDING, updated_at__lt=cutoff).update(
        status=SmsStatus.UNKNOWN, updated_at=now, error_message=UNKNOWN_OUTCOME)
