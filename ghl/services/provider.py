"""``POST /webhooks/ghl/provider/``: a rep's reply typed in GHL, sent through Twilio under all
of our rules (GHL's "Conversation Provider - Outbound Message", docs/ProviderOutboundMessage.md).

Checked before anything is stored: size (≤ 64 KB, else 413), GHL's signature over the raw
body (as every GHL webhook: ``ghl.signatures``; 401), JSON (400), ``locationId`` ours (403:
GHL signs every account's webhooks with one key), ``type`` SMS, a ``messageId``, a phone
number and a message of 1 to 1,600 characters (422 with the reason). A ``contactId`` our
mirror knows with another number is refused (422); one it does not know yet is fine — the
payload's phone is the recipient.

Each GHL ``messageId`` is sent at most once: the row in ``ghl_provider_messages`` is unique on
it and the text's idempotency key is ``ghl-<messageId>``, so a replay (or GHL retrying) sends
nothing again — a replay of one whose send never finished resumes it under the same key.
The text is ``conversational`` (quiet hours do not apply) when the number texted us in the
last 24 hours — a reply to the customer; otherwise it is treated as ``marketing`` (GHL
workflows and bulk actions use this provider too), so quiet hours and the frequency cap hold.
Opt-outs and do-not-text hold either way: a refused text is marked failed in GHL with the
reason, through the outbox, and later delivery statuses reach GHL the same way.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.nudge import nudge
from ghl.models import ConversationOutbox, GHLContact, ProviderMessage
from ghl.services import outbox
from ghl.services.threads import remember_contact
from ghl.signatures import SignatureError, verify
from messaging.models import Direction, Purpose, SmsMessage
from messaging.phones import mask_phone, try_normalize
from messaging.services.conversations import GOING_OUT, mark_answered
from messaging.services.send import MAX_BODY, send_sms

log = logging.getLogger(__name__)
MAX_REQUEST = 64 * 1024
REPLY_WINDOW = timedelta(hours=24)


class ProviderRejected(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True)
class RepReply:
    message_id: str
    contact_id: str
    phone: str
    text: str
    user_id: str


@dataclass(frozen=True)
class Sent:
    message_id: str
    status: str
    duplicate: bool
    reason: str = ""


def parse(body: bytes, headers: dict[str, str]) -> RepReply:
    """The rep's reply in a genuine provider webhook, or ``ProviderRejected``."""
    if len(body) > MAX_REQUEST:
        raise ProviderRejected(413, f"the body is over {MAX_REQUEST} bytes")
    try:
        verify(body, headers)
    except SignatureError as exc:
        raise ProviderRejected(401, exc.reason) from None
    except ValueError:
        raise ProviderRejected(401, "the GHL webhook key cannot be read") from None
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ProviderRejected(400, "the body is not JSON") from None
    if not isinstance(data, dict):
        raise ProviderRejected(400, "the body is not a JSON object")
    if data.get("locationId") != settings.GHL.location_id:
        raise ProviderRejected(403, "locationId is missing or not this service's location")
    return _reply(data)


def _reply(data: dict[str, Any]) -> RepReply:
    if data.get("type") != "SMS":
        raise ProviderRejected(422, "only SMS messages are sent by this provider")
    ids = {name: data.get(name) for name in ("messageId", "contactId")}
    for name, value in ids.items():
        if not isinstance(value, str) or not 0 < len(value) <= 64:
            raise ProviderRejected(422, f"{name} must be a text of 1 to 64 characters")
    phone = try_normalize(data["phone"]) if isinstance(data.get("phone"), str) else None
    if phone is None:
        raise ProviderRejected(422, "phone is missing or not a phone number we can text")
    text = data.get("message")
    if not isinstance(text, str) or not text.strip():
        raise ProviderRejected(422, "the message is empty")
    if len(text) > MAX_BODY:
        raise ProviderRejected(422, f"the message has {len(text)} characters; a text takes at "
                                    f"most {MAX_BODY}")
    known = GHLContact.objects.filter(id=ids["contactId"]).values_list("phone_e164",
                                                                        flat=True).first()
    if known and known != phone:
        raise ProviderRejected(422, "the contact has another phone number than the message")
    user = data.get("userId")
    return RepReply(ids["messageId"], ids["contactId"], phone, text,
                    user[:64] if isinstance(user, str) else "")


def send_rep_reply(reply: RepReply) -> Sent:
    """Send it (once per GHL message id); a refusal goes to GHL as failed."""
    try:
        with transaction.atomic():
            link = ProviderMessage.objects.create(
                ghl_message_id=reply.message_id, contact_id=reply.contact_id,
                user_id=reply.user_id, phone=reply.phone)
        duplicate = False
    except IntegrityError:
        link = ProviderMessage.objects.get(ghl_message_id=reply.message_id)
        duplicate = True
    if duplicate and link.sms_message_id:
        message = SmsMessage.objects.get(pk=link.sms_message_id)
        return Sent(reply.message_id, message.status, True, message.error_message)
    remember_contact(reply.phone, reply.contact_id)
    message = send_sms(to=link.phone, body=reply.text, purpose=_purpose(link.phone),
                       idempotency_key=f"ghl-{reply.message_id}",
                       origin=f"ghl:{reply.user_id or 'user'}")
    ProviderMessage.objects.filter(pk=link.pk).update(sms_message=message)
    if message.status in GOING_OUT:
        mark_answered(phone=link.phone, by=f"GHL user {reply.user_id or '?'}",
                      at=message.created_at)
    status = outbox.GHL_STATUS.get(message.status)
    if status is not None:  # refused or failed at once: GHL hears it now, not at the scan
        ConversationOutbox.objects.bulk_create(
            [outbox.status_row(message, status, reply.message_id)], ignore_conflicts=True)
        nudge("ghl.tasks.drain_conversation_outbox")
    log.info("GHL message %s to %s: sms %s %s", reply.message_id, mask_phone(link.phone),
             message.pk, message.status)
    return Sent(reply.message_id, message.status, duplicate, message.error_message)


def _purpose(phone: str) -> str:
    """A reply to the customer's own text is conversational (read from the texts, not the
    conversation, which the cluster opens a moment later)."""
    recent = SmsMessage.objects.filter(
        phone=phone, direction=Direction.INBOUND,
        created_at__gte=timezone.now() - REPLY_WINDOW).exists()
    return Purpose.CONVERSATIONAL if recent else Purpose.MARKETING
