"""Pacing outbound texts per sender, so Twilio is never handed a burst it would queue past
its limit (21611 / 30001) or a 10DLC campaign would refuse (30022).

Each sender has a "next free" time in ``sms_sender_pacing``. ``reserve`` takes the next slot
for a text of ``segments`` segments under a row lock, so every process and worker shares
one schedule; the caller waits until the slot (``send._wait_for``). A slot further away than
``max_pacing_wait`` is not taken: the caller retries later instead of holding a worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from messaging.conf import messaging_conf
from messaging.models import SenderPace


class Throttled(Exception):
    def __init__(self, retry_at: datetime):
        super().__init__(f"sender busy until {retry_at.isoformat()}")
        self.retry_at = retry_at


@transaction.atomic
def reserve(sender: str, segments: int, now: datetime | None = None) -> datetime:
    """The moment this text may go (``now`` or later), reserved; raises ``Throttled``."""
    conf, now = messaging_conf(), now or timezone.now()
    pace, _ = SenderPace.objects.select_for_update().get_or_create(
        sender=sender, defaults={"next_free_at": now})
    start = max(pace.next_free_at, now)
    if (start - now).total_seconds() > conf.max_pacing_wait:
        raise Throttled(start)
    pace.next_free_at = start + timedelta(seconds=max(segments, 1) / conf.sends_per_second)
    pace.save(update_fields=["next_free_at"])
    return start
