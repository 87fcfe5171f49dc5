"""Texts customers send us (the inbound webhook, after its signature was checked).

``receive_sms`` stores the text and acts on it in one transaction, deduplicated on
MessageSid (a redelivered or replayed request changes nothing and gets no reply):

- STOP-type keyword or a free-text revocation: opt the number out (free text: flagged for
  staff review), which also cancels what was going to text it; ``sms.opted_out``.
- START-type keyword from a number that opted out: opt it back in. From a number that did
  not, "YES" is just an answer ("Yes, Tuesday works"), handled as an ordinary text.
- HELP / INFO: the help text.
- Anything else: linked to the customer by phone and emitted as ``sms.received`` (payload
  ``phone``, ``body``, ``customer_id``, ``message_id``, ``to``, ``media``) so a waiting
  workflow step can branch on it.

Replies are sent only when something changed (one confirmation per opt-out, never two), and
not at all when Twilio already answered (``OptOutType`` present: Advanced Opt-Out) or when
``MESSAGING["keyword_replies"]`` is off.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.nudge import nudge
from messaging.conf import messaging_conf
from messaging.hooks import texts_changed
from messaging.keywords import Classification, Intent, classify
from messaging.models import OptOutSource, SmsMessage
from messaging.phones import mask_phone, try_normalize
from messaging.policy import is_opted_out
from messaging.services import preferences
from messaging.services.received import new_inbound_row, store_received

log = logging.getLogger(__name__)
MAX_BODY = 1600
_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_NUMBER = re.compile(r"^\+?[0-9A-Za-z ._-]{2,32}$")  # E.164, short codes, alphanumeric ids


class InvalidInbound(ValueError):
    """The webhook's parameters do not describe a text (the message says what is wrong)."""


@dataclass(frozen=True)
class Inbound:
    sid: str
    from_: str
    to: str
    body: str
    segments: int | None
    media: int
    twilio_replied: bool            # Advanced Opt-Out answered the keyword itself
    raw: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InboundOutcome:
    message_id: int | None          # None for a duplicate
    customer_id: int | None = None
    reply: str = ""

    @property
    def duplicate(self) -> bool:
        return self.message_id is None


def parse_inbound(params: Mapping[str, str]) -> Inbound:
    """The text in Twilio's webhook parameters; unknown parameters are kept in ``raw``."""
    missing = [name for name in ("MessageSid", "From", "To") if not params.get(name, "").strip()]
    if missing:
        raise InvalidInbound(f"missing or empty: {', '.join(missing)}")
    sid, from_, to = params["MessageSid"].strip(), params["From"].strip(), params["To"].strip()
    if not _SID.match(sid):
        raise InvalidInbound("MessageSid is not a Twilio message SID")
    bad = [name for name, value in (("From", from_), ("To", to)) if not _NUMBER.match(value)]
    if bad:
        raise InvalidInbound(f"{', '.join(bad)} is not a phone number or sender id")
    body = params.get("Body", "")
    if len(body) > MAX_BODY:
        raise InvalidInbound(f"Body has {len(body)} characters; Twilio sends at most {MAX_BODY}")
    return Inbound(sid=sid, from_=from_, to=to, body=body,
                   segments=_int(params.get("NumSegments")),
                   media=_int(params.get("NumMedia")) or 0,
                   twilio_replied=bool(params.get("OptOutType")), raw=dict(params))


def sender_phone(from_: str) -> str | None:
    """The sender in E.164, None for short codes and alphanumeric senders. Twilio gives the
    From of a text from a phone in E.164 already: only something else is parsed."""
    return from_ if _E164.match(from_) else try_normalize(from_)


def _int(value: str | None) -> int | None:
    """A count Twilio sends in ASCII digits, else None ("²" is a digit to ``isdigit``, not
    to ``int``)."""
    if value and value.isascii() and value.isdigit() and len(value) < 6:
        return int(value)
    return None


def receive_sms(inbound: Inbound, now: datetime | None = None) -> InboundOutcome:
    """Store the text and act on it (see the module docstring); the outcome carries the
    reply text. A MessageSid seen before changes nothing (``duplicate``)."""
    now = now or timezone.now()
    phone = sender_phone(inbound.from_)
    found = classify(inbound.body)
    if found.intent == Intent.OPT_IN and not (phone and is_opted_out(phone)):
        found = Classification(Intent.NONE)  # "Yes" as an answer, not a re-subscription
    if found.intent == Intent.NONE or phone is None:
        stored = store_received(inbound, phone or inbound.from_, now)
        if stored is None:
            log.info("inbound %s received again: ignored", inbound.sid)
            return InboundOutcome(None)
        # The row is the record; the request's own log line says it was answered.
        log.debug("inbound sms %s from %s", stored.message_id, mask_phone(phone))
        nudge("messaging.tasks.attend_conversations")  # owner and email, off the request
        texts_changed()
        return InboundOutcome(stored.message_id, stored.customer_id)
    outcome = _receive_keyword(inbound, found, phone, now)
    if not outcome.duplicate:
        texts_changed()
    return outcome


def _receive_keyword(inbound: Inbound, found: Classification, phone: str,
                     now: datetime) -> InboundOutcome:
    try:
        with transaction.atomic():
            message = new_inbound_row(inbound, phone, now, intent=found.intent)
            reply = _act(message, found, inbound, phone)
    except IntegrityError:
        if SmsMessage.objects.filter(sid=inbound.sid).exists():
            log.info("inbound %s received again: ignored", inbound.sid)
            return InboundOutcome(None)
        raise
    log.info("inbound sms %s from %s: %s", message.pk, mask_phone(phone), found.intent)
    return InboundOutcome(message.pk, message.customer_id, reply)


def _act(message: SmsMessage, found: Classification, inbound: Inbound, phone: str) -> str:
    """Do what a keyword or revocation asks; returns the reply text ("" for none)."""
    replies = messaging_conf().keyword_replies and not inbound.twilio_replied
    if found.intent == Intent.HELP:
        return messaging_conf().reply_text("help") if replies else ""
    if found.intent == Intent.OPT_IN:
        changed = preferences.opt_in(phone=phone, source=OptOutSource.KEYWORD,
                                     actor="customer", message=message,
                                     reason=f"texted {found.keyword}").changed
        return messaging_conf().reply_text("opt_in") if changed and replies else ""
    free_text = found.intent == Intent.FREE_TEXT_OPT_OUT
    changed = preferences.opt_out(
        phone=phone, actor="customer", message=message, customer_id=message.customer_id,
        source=OptOutSource.FREE_TEXT if free_text else OptOutSource.KEYWORD,
        needs_review=free_text,
        reason=f'free text: "{found.keyword}"' if free_text else f"texted {found.keyword}",
    ).changed
    return messaging_conf().reply_text("opt_out") if changed and replies else ""
