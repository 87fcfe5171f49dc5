"""Twilio's status callbacks: ``record_status`` stores each (MessageSid, MessageStatus) once
and moves the message forward — never back (a late ``sent`` does not overwrite
``delivered``). Each status's time is kept (``sent_at``, ``delivered_at``, ``failed_at``)
even when it arrives out of order. Delivery errors (30xxx) are recorded on the message;
21610 opts the number out.

A callback can beat our own update: Twilio may post ``sent`` before the send service has
stored the SID it got back. The callback row is committed before the message is looked up,
and the send service replays stored callbacks after committing the SID, so whichever comes
second sees the other's write. Applying is idempotent, so a redelivered callback is applied
again harmlessly (that also heals one whose first application was interrupted).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.hooks import texts_changed
from messaging.models import (
    FAILURES,
    TWILIO_STATUSES,
    SmsMessage,
    SmsStatus,
    SmsStatusCallback,
    status_rank,
)
from messaging.services import preferences
from messaging.twilio import OPTED_OUT_CODE

log = logging.getLogger(__name__)
TIME_FIELDS = {SmsStatus.SENT: "sent_at", SmsStatus.DELIVERED: "delivered_at",
               SmsStatus.UNDELIVERED: "failed_at", SmsStatus.FAILED: "failed_at"}
# What staff see next to a delivery error code (Twilio's error dictionary, abridged).
ERROR_TEXTS = {
    30001: "queue overflow", 30002: "account suspended", 30003: "unreachable handset",
    30004: "message blocked (by the recipient or carrier)", 30005: "unknown or inactive number",
    30006: "landline or unreachable carrier", 30007: "filtered by the carrier as spam",
    30008: "unknown error", 30010: "message price exceeds max price",
    30034: "sender not registered for A2P 10DLC",
    21610: "the recipient replied STOP to this sender",
}


@dataclass(frozen=True)
class StatusCallback:
    sid: str
    status: str
    error_code: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


class InvalidCallback(ValueError):
    """The callback's parameters are unusable (the message says why)."""


def parse_status(params: Mapping[str, str]) -> StatusCallback:
    """The callback in Twilio's parameters; unknown parameters are kept in ``raw``."""
    sid, status = params.get("MessageSid", "").strip(), params.get("MessageStatus", "").strip()
    if not sid or not status:
        raise InvalidCallback("MessageSid and MessageStatus are required")
    if len(sid) > 64 or len(status) > 20:
        raise InvalidCallback("MessageSid or MessageStatus is too long")
    code = params.get("ErrorCode", "").strip()
    if code and not (code.isascii() and code.isdigit() and len(code) <= 9):
        raise InvalidCallback("ErrorCode must be a number")
    return StatusCallback(sid=sid, status=status.lower(), error_code=int(code) if code else None,
                          raw=dict(params))


@dataclass(frozen=True)
class StatusOutcome:
    duplicate: bool       # this (SID, status) had been received before
    message_id: int | None  # our message, when we know the SID yet


def record_status(callback: StatusCallback) -> StatusOutcome:
    """Store the callback (once) and apply it to its message, if we know the SID yet."""
    duplicate = not _store(callback)
    message = SmsMessage.objects.filter(sid=callback.sid).only("id", "phone",
                                                              "customer_id").first()
    if message is not None:
        apply_status(message, callback.status, callback.error_code, timezone.now())
    return StatusOutcome(duplicate, message.pk if message else None)


def replay_callbacks(message: SmsMessage) -> int:
    """Apply the callbacks that arrived before the message's SID was stored."""
    callbacks = list(SmsStatusCallback.objects.filter(sid=message.sid))
    callbacks.sort(key=lambda c: status_rank(c.status) or 0)
    for callback in callbacks:
        apply_status(message, callback.status, callback.error_code, callback.received_at)
    return len(callbacks)


def _store(callback: StatusCallback) -> bool:
    try:
        with transaction.atomic():
            SmsStatusCallback.objects.create(sid=callback.sid, status=callback.status,
                                             error_code=callback.error_code, raw=callback.raw)
    except IntegrityError:
        return False
    return True


def apply_status(message: SmsMessage, status: str, error_code: int | None,
                 at: datetime) -> bool:
    """Move the message to ``status`` if that is forward; record the status's time if it
    has none yet. True when the status changed."""
    rank = status_rank(status)
    if rank is None:
        log.info("status callback %r for sms %s ignored: not a status we track", status,
                 message.pk)
        return False
    lower = [s for s in TWILIO_STATUSES if (status_rank(s) or 0) < rank]
    fields: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if status in FAILURES or error_code:
        fields.update(error_code=error_code,
                      error_message=_error_text(error_code) if error_code else "")
    moved = SmsMessage.objects.filter(pk=message.pk, status__in=lower).update(**fields)
    if status in TIME_FIELDS:
        SmsMessage.objects.filter(pk=message.pk, **{f"{TIME_FIELDS[status]}__isnull": True}
                                  ).update(**{TIME_FIELDS[status]: at})
    if moved:
        texts_changed()
    if moved and error_code == OPTED_OUT_CODE:
        preferences.opt_out(phone=message.phone, source="carrier", actor="twilio",
                            customer_id=message.customer_id,
                            reason=f"delivery of text {message.pk} failed with 21610")
    return bool(moved)


def _error_text(code: int) -> str:
    return f"Twilio error {code}: {ERROR_TEXTS.get(code, 'see the Twilio error dictionary')}"
