"""Sending a text: ``send_sms`` — at most once per idempotency key, never to a number that
opted out or is marked do-not-text, marketing only within the recipient's sending hours.

The row is written before Twilio is called and updated after:

    (new) ─> blocked                       opted out / do not text (nothing sent)
          ─> deferred ──(send_after)──┐    marketing outside the sending hours, or over
                                      │    the frequency cap (error_message says which)
          ─> pending ─> queued/accepted ─> … status callbacks … ─> delivered / undelivered
          ↑              ─> retrying ──┤   temporary error (rate limit, 5xx, network)
          └──────────────────────────────┘ a later call with the same key resumes these
                         ─> failed         Twilio refused it (error_code; 21610 opts out)
                         ─> unknown        the request may have reached Twilio

A text waiting for its sender's pacing slot is ``retrying`` at the slot meanwhile (``PACED``),
so a process killed while it waits leaves nothing ``pending``.

The opt-out is checked again just before Twilio is called, under the number's lock
(``messaging.locks``, which ``preferences.opt_out`` takes too): a STOP that committed while
the text waited is honoured (``blocked``, nothing sent), and one that arrives during the
Twilio call waits for it. A marketing text's frequency cap is checked again there too: the
lock is held until the text before it is recorded as handed over, so two texts sent at once
cannot both take the last place (the second is ``deferred``).

A call whose key finds a row in any other status returns that row and sends nothing. A row
left ``pending`` (the process died during the Twilio call) cannot be checked at Twilio — it
has no way to look a message up by our key — so after ``stale_pending_after`` seconds it
becomes ``unknown`` for staff to check, rather than risking a second text. Call outside a
transaction: the ``pending`` row must be committed before Twilio is called.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import sleep
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from messaging import policy, twilio
from messaging.conf import messaging_conf
from messaging.hooks import texts_changed
from messaging.locks import lock_number
from messaging.models import RESUMABLE, Direction, Purpose, SmsMessage, SmsStatus
from messaging.phones import mask_phone, normalize_phone
from messaging.segments import segment_count
from messaging.services import pacing, preferences
from messaging.services.status import replay_callbacks
from servicetitan.selectors import customer_for_phone

log = logging.getLogger(__name__)
MAX_BODY = 1600          # Twilio's limit (21617)
PACED = "paced: the sender's queue is full for now"   # not an error: its slot is send_after
OPTED_OUT_MEANWHILE = "the number opted out of texts before it was sent"
UNKNOWN_OUTCOME = ("the process sending it stopped before Twilio answered: check in the "
                   "Twilio console before sending again")
RETRY_BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10),
                 timedelta(minutes=30))


class InvalidMessage(ValueError):
    """The text cannot be sent as given (empty, too long, unknown purpose)."""


@dataclass(frozen=True)
class Outbound:
    phone: str
    body: str
    purpose: str
    idempotency_key: str
    customer_id: int | None
    workflow_instance_id: int | None
    workflow_step_id: str
    origin: str = ""


def send_sms(*, to: str, body: str, purpose: str, idempotency_key: str | None = None,
             customer_id: int | None = None, workflow_instance_id: int | None = None,
             workflow_step_id: str = "", origin: str = "",
             now: datetime | None = None) -> SmsMessage:
    """Send one text; returns its row, whose status says what happened (see the module
    docstring). Raises ``InvalidPhoneNumber`` / ``InvalidMessage`` (nothing is written).
    ``origin`` says who wrote it (``staff:<username>``, ``ghl:<user id>``; empty for
    workflows and services)."""
    text = _outbound(to, body, purpose, idempotency_key, customer_id, workflow_instance_id,
                     workflow_step_id, origin[:40])
    now = now or timezone.now()
    existing = SmsMessage.objects.filter(idempotency_key=text.idempotency_key).first()
    if existing is not None and existing.status not in RESUMABLE:
        return settle_stale(existing, now)
    customer_id = text.customer_id or customer_for_phone(text.phone)
    verdict = policy.check(phone=text.phone, customer_id=customer_id, purpose=text.purpose,
                           now=now)
    message, ours = _record(existing, text, customer_id, verdict, now)
    if not ours:
        return message
    if message.status == SmsStatus.PENDING:
        message = _submit(message, now)
    texts_changed()
    return message


def resume(message: SmsMessage, now: datetime | None = None) -> SmsMessage:
    """Try a deferred or retrying row again (the scheduled sender's entry point)."""
    return send_sms(to=message.phone, body=message.body, purpose=message.purpose,
                    idempotency_key=message.idempotency_key, customer_id=message.customer_id,
                    now=now)


def _outbound(to: str, body: Any, purpose: str, key: str | None, customer_id: int | None,
              instance_id: int | None, step_id: str, origin: str = "") -> Outbound:
    phone = normalize_phone(to)
    if purpose not in Purpose.values:
        raise InvalidMessage(f"purpose must be one of {', '.join(Purpose.values)}, "
                             f"not {purpose!r}")
    if not isinstance(body, str) or not body.strip():
        raise InvalidMessage("the text is empty")
    if len(body) > MAX_BODY:
        raise InvalidMessage(f"the text is {len(body)} characters; Twilio takes at most "
                             f"{MAX_BODY}")
    if key is not None and not (isinstance(key, str) and 0 < len(key) <= 200):
        raise InvalidMessage("an idempotency key must be 1 to 200 characters")
    return Outbound(phone, body, purpose, key or f"sms-{uuid.uuid4().hex}", customer_id,
                    instance_id, step_id, origin)


def _record(existing: SmsMessage | None, text: Outbound, customer_id: int | None,
            verdict: policy.Verdict, now: datetime) -> tuple[SmsMessage, bool]:
    """Write the row (new) or move it on (resumed) to blocked / deferred / pending; True
    when this call did. When another caller got there first: their row, False."""
    status = (SmsStatus.BLOCKED if verdict.blocked else
              SmsStatus.DEFERRED if verdict.defer_until else SmsStatus.PENDING)
    fields = {"status": status, "send_after": verdict.defer_until,
              "error_message": (verdict.blocked or verdict.deferred)[:255],
              "updated_at": timezone.now()}
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction survives
                message = SmsMessage.objects.create(
                    direction=Direction.OUTBOUND, idempotency_key=text.idempotency_key,
                    from_number=twilio.sender(), to_number=text.phone, phone=text.phone,
                    body=text.body, segments=segment_count(text.body), purpose=text.purpose,
                    customer_id=customer_id, workflow_instance_id=text.workflow_instance_id,
                    workflow_step_id=text.workflow_step_id, origin=text.origin, **fields)
            return message, True
        except IntegrityError:  # the same key, concurrently: theirs is the send
            return SmsMessage.objects.get(idempotency_key=text.idempotency_key), False
    claimed = SmsMessage.objects.filter(pk=existing.pk, status=existing.status).update(**fields)
    existing.refresh_from_db()
    return existing, bool(claimed)


def _submit(message: SmsMessage, now: datetime) -> SmsMessage:
    try:
        slot = pacing.reserve(twilio.sender(), message.segments or 1)
    except pacing.Throttled as exc:
        return _update(message, status=SmsStatus.RETRYING, send_after=exc.retry_at,
                       error_message=PACED)
    if not _wait_for(message, slot):
        return message
    try:
        message = _hand_over(message, now)
    except twilio.TwilioSendError as exc:
        return _failed(message, exc)
    if message.sid:
        log.info("sms %s to %s handed to Twilio as %s", message.pk, mask_phone(message.phone),
                 message.sid)
        replay_callbacks(message)
        message.refresh_from_db()
    return message


def _hand_over(message: SmsMessage, now: datetime) -> SmsMessage:
    """Under the number's lock: the opt-out (and a marketing text's frequency cap, as of
    ``now``, the send's time) checked once more, then the text handed to Twilio and the row
    moved on, in one transaction. A number opted out meanwhile leaves the row ``blocked``, one
    whose cap filled meanwhile ``deferred``, and Twilio untouched. ``TwilioSendError`` leaves
    the row as it was."""
    with transaction.atomic():
        lock_number(message.phone)
        if policy.is_opted_out(message.phone):
            log.info("sms %s to %s not sent: the number opted out while it waited",
                     message.pk, mask_phone(message.phone))
            return _update(message, status=SmsStatus.BLOCKED, send_after=None,
                           error_message=OPTED_OUT_MEANWHILE)
        capped = policy.cap_until(message.phone, now) \
            if message.purpose == Purpose.MARKETING else None
        if capped is not None:
            return _update(message, status=SmsStatus.DEFERRED, send_after=capped,
                           error_message=policy.cap_reason())
        submitted = twilio.send_message(to=message.phone, body=message.body,
                                        status_callback=status_callback_url())
        status = submitted.status if submitted.status in SmsStatus.values else SmsStatus.QUEUED
        return _update(message, status=status, sid=submitted.sid, submitted_at=timezone.now(),
                       segments=submitted.segments or message.segments, error_code=None,
                       error_message="", send_after=None, attempts=message.attempts + 1)


def _wait_for(message: SmsMessage, slot: datetime) -> bool:
    """Sleep until the sender's slot (at most ``max_pacing_wait``). Meanwhile the row says
    ``retrying`` at the slot, not ``pending``: a process killed while waiting has sent nothing,
    and the text goes at its next chance (the scheduled sender, or its step's re-run) instead
    of turning ``unknown``. False when another caller took the row over meanwhile."""
    delay = (slot - timezone.now()).total_seconds()
    if delay <= 0:
        return True
    _update(message, status=SmsStatus.RETRYING, send_after=slot, error_message=PACED)
    sleep(delay)
    claimed = SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.RETRYING).update(
        status=SmsStatus.PENDING, send_after=None, error_message="", updated_at=timezone.now())
    message.refresh_from_db()
    return bool(claimed)


def _failed(message: SmsMessage, exc: twilio.TwilioSendError) -> SmsMessage:
    now, attempts = timezone.now(), message.attempts + 1
    common = {"error_code": exc.code, "error_message": str(exc)[:255], "attempts": attempts}
    if exc.outcome_unknown:
        return _update(message, status=SmsStatus.UNKNOWN, **common)
    if exc.retryable:
        backoff = RETRY_BACKOFF[min(attempts, len(RETRY_BACKOFF)) - 1]
        return _update(message, status=SmsStatus.RETRYING, send_after=now + backoff, **common)
    message = _update(message, status=SmsStatus.FAILED, failed_at=now, **common)
    if exc.code == twilio.OPTED_OUT_CODE:
        preferences.opt_out(phone=message.phone, source="carrier", actor="twilio",
                            customer_id=message.customer_id,
                            reason=f"Twilio refused text {message.pk} with 21610: the number "
                                   f"replied STOP to this sender")
    return message


def _update(message: SmsMessage, **fields: Any) -> SmsMessage:
    fields["updated_at"] = timezone.now()
    SmsMessage.objects.filter(pk=message.pk).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)
    return message


def settle_stale(message: SmsMessage, now: datetime) -> SmsMessage:
    """A ``pending`` row older than ``stale_pending_after`` becomes ``unknown``."""
    if message.status == SmsStatus.PENDING and \
            now - message.updated_at > messaging_conf().stale_pending:
        SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.PENDING).update(
            status=SmsStatus.UNKNOWN, updated_at=now, error_message=UNKNOWN_OUTCOME)
        message.refresh_from_db()
    return message


def status_callback_url() -> str:
    return settings.PUBLIC_BASE_URL + reverse("messaging:twilio-status")
