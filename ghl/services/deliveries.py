"""Applying accepted GHL webhook deliveries, once at a time, until done or given up.

A delivery is applied in its request (``apply_delivery``) and, when that did not finish, by
the retry task (``retry_due``, every minute): left ``pending`` (the process stopped before or
while applying it) or ``failed`` (a transient error: the database busy, unreachable or a lock
not granted within ``GHL_WEBHOOK_LOCK_TIMEOUT_MS``). A permanent error (a payload that cannot
be applied) and the last of ``GHL_WEBHOOK_MAX_ATTEMPTS`` attempts end in ``gave_up``, for
staff to look at (admin: "apply again").

Each attempt is claimed before it starts, in its own committed transaction: the row is
locked (skipping rows others hold), ``attempts`` goes up and ``next_attempt_at`` moves to the
end of the backoff, so a process that dies mid-attempt has it counted and the delivery comes
back when the backoff ends. While it is applied the row stays locked and claims skip it, so
one delivery is never applied twice at once.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import Error, InterfaceError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ghl.models import WebhookDelivery
from ghl.services import apply

log = logging.getLogger(__name__)
Status = WebhookDelivery.Status
RETRYING = (Status.PENDING, Status.FAILED)
# Connection lost, lock or statement timeout, deadlock, serialization failure: trying again
# later can succeed. Anything else (bad data, a bug) would fail the same way again.
TRANSIENT = (OperationalError, InterfaceError)
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """How long after its ``attempts``-th attempt started a delivery is tried again."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def apply_delivery(delivery: WebhookDelivery, *, again: bool = False) -> WebhookDelivery:
    """Apply a just-received delivery (or, ``again``, any accepted one: staff asked, and its
    attempts start afresh) and record how it went. Returns the row as it stands: still
    ``pending`` when another process holds it. Never raises for a failure to apply: GHL would
    not retry anyway."""
    rows = WebhookDelivery.objects.filter(pk=delivery.pk, verdict="accepted")
    candidates = rows if again else rows.filter(status=Status.PENDING, attempts=0)
    claimed = _claim(candidates, timezone.now(), afresh=again)
    return _attempt(claimed) if claimed else delivery


def retry_due(now: datetime | None = None, limit: int = 50) -> dict[str, int]:
    """The retry task: gives up deliveries whose attempts are spent, then applies up to
    ``limit`` due ones, oldest first. Returns how many ended in each status."""
    now = now or timezone.now()
    outcome = {Status.GAVE_UP.value: _give_up_spent(now)}
    for _ in range(limit):
        claimed = _claim(_due(now).order_by("next_attempt_at"), now)
        if claimed is None:
            break
        status = _attempt(claimed).status
        outcome[status] = outcome.get(status, 0) + 1
    return {status: n for status, n in outcome.items() if n}


def _due(now: datetime) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        status__in=RETRYING, next_attempt_at__lte=now,
        attempts__lt=settings.GHL_WEBHOOK_MAX_ATTEMPTS)


def _give_up_spent(now: datetime) -> int:
    """Deliveries whose last attempt never finished (the process stopped) or failed, and
    whose backoff has ended with no attempt left."""
    spent = WebhookDelivery.objects.filter(
        status__in=RETRYING, next_attempt_at__lte=now,
        attempts__gte=settings.GHL_WEBHOOK_MAX_ATTEMPTS)
    unfinished = spent.filter(status=Status.PENDING).update(
        status=Status.GAVE_UP, next_attempt_at=None, processed_at=now,
        error=f"none of {settings.GHL_WEBHOOK_MAX_ATTEMPTS} attempts finished")
    return unfinished + spent.update(status=Status.GAVE_UP, next_attempt_at=None,
                                     processed_at=now)


def _claim(candidates: QuerySet[WebhookDelivery], now: datetime,
           afresh: bool = False) -> WebhookDelivery | None:
    """The first of ``candidates`` not being applied elsewhere, with this attempt counted (the
    first, ``afresh``) and its next one scheduled, committed; None when there is none."""
    with transaction.atomic():
        delivery = candidates.select_for_update(skip_locked=True).first()
        if delivery is None:
            return None
        delivery.attempts = 1 if afresh else delivery.attempts + 1
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def _attempt(delivery: WebhookDelivery) -> WebhookDelivery:
    """One claimed attempt, holding the row while it applies."""
    try:
        with transaction.atomic():
            held = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
                pk=delivery.pk).only("pk").first()
            if held is None:
                return delivery  # being applied by whoever claimed it after us
            _apply(delivery)
            delivery.save(update_fields=["status", "error", "next_attempt_at", "processed_at"])
    except Error:  # the database itself: the claim stands, the retry task comes back to it
        log.exception("GHL webhook %s: the outcome of attempt %s could not be recorded",
                      delivery.pk, delivery.attempts)
        delivery.status = Status.PENDING
    return delivery


def _apply(delivery: WebhookDelivery) -> None:
    """Apply the event (in a savepoint, so a failure leaves the row usable) and set the
    delivery's outcome fields."""
    delivery.processed_at = timezone.now()
    try:
        with transaction.atomic():
            _limit_lock_waits()
            delivery.status = apply.apply_event(json.loads(delivery.body),
                                                delivery.event_timestamp)
    except Exception as exc:  # recorded for staff; GHL gets its 200 either way
        retry = isinstance(exc, TRANSIENT) and (
            delivery.attempts < settings.GHL_WEBHOOK_MAX_ATTEMPTS)
        log.log(logging.WARNING if retry else logging.ERROR,
                "GHL webhook %s could not be applied (attempt %s, %s)", delivery.pk,
                delivery.attempts, "will retry" if retry else "gave up", exc_info=True)
        delivery.status = Status.FAILED if retry else Status.GAVE_UP
        delivery.error = f"attempt {delivery.attempts}: {exc!r}"[:2000]
        if not retry:
            delivery.next_attempt_at = None
        return
    delivery.error, delivery.next_attempt_at = "", None


def _limit_lock_waits() -> None:
    """Wait at most ``GHL_WEBHOOK_LOCK_TIMEOUT_MS`` for a row someone else holds (a sync's
    page, say) rather than hold a web worker: the delivery is retried later instead."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)",
                           [f"{settings.GHL_WEBHOOK_LOCK_TIMEOUT_MS}ms"])

