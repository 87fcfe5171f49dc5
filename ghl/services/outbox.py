"""Every text in and out shown in the contact's GHL conversation, through a durable outbox.

``collect`` turns ``sms_messages`` into outbox rows (``ghl_conversation_outbox``), each once
(by its key): every text received (STOP and the other keywords too, with what they did),
every text we handed to Twilio (not those a rep sent from GHL: GHL has them), and the final
status of a rep's text (delivered, read, or failed with the reason — refused here because
the number opted out, say). The texts table is the source, read back ``lookback`` hours: a
process that dies between storing a text and telling anyone loses nothing, and the Twilio
webhooks never wait for GHL (they only nudge the task, after commit).

``drain`` claims due rows (``SELECT … FOR UPDATE SKIP LOCKED``, a lease of
``LEASE``), sends each to GHL through ``GHLClient`` and records the outcome: ``done``; or,
after a retryable error (GHL down, 429, 5xx), another attempt after 30 s, 1, 2, 4 … 30
minutes; ``gave_up`` after a permanent error or ``GHL_OUTBOX_MAX_ATTEMPTS``. Adding a message
is a create GHL offers no idempotency key for: after an attempt whose outcome is unknown (no
answer, a 5xx) the conversation's newest messages are read first, and a message with the
same text and direction adopted instead of adding a second.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from config.nudge import nudge
from ghl.client import GHLClient, GHLError
from ghl.models import ConversationOutbox, ProviderMessage
from ghl.services.threads import thread_for
from messaging.models import Direction, SmsMessage, SmsStatus
from messaging.phones import mask_phone

log = logging.getLogger(__name__)
Kind, State = ConversationOutbox.Kind, ConversationOutbox.State
LEASE = timedelta(minutes=5)
FIRST_BACKOFF, MAX_BACKOFF = timedelta(seconds=30), timedelta(minutes=30)
# What a keyword text did, shown after it in GHL.
DID = {"opt_out": "opted out of texts", "free_text_opt_out":
       "opted out of texts (free text, waiting for staff review)",
       "opt_in": "opted back in to texts", "help": "asked for help (answered with the help text)"}
# Our statuses of a rep's text, as GHL's (UpdateMessageStatusDto: delivered, failed, pending,
# read); the rest are on their way.
GHL_STATUS = {SmsStatus.DELIVERED: "delivered", SmsStatus.READ: "read",
              SmsStatus.FAILED: "failed", SmsStatus.UNDELIVERED: "failed",
              SmsStatus.BLOCKED: "failed", SmsStatus.CANCELED: "failed"}
NOT_HANDED_OVER = (SmsStatus.PENDING, SmsStatus.DEFERRED, SmsStatus.RETRYING,
                   SmsStatus.BLOCKED, SmsStatus.UNKNOWN)


def enabled() -> bool:
    return settings.GHL.enabled and settings.GHL_CONVERSATIONS


def nudge_outbox() -> None:
    """Texts changed (``messaging.hooks.on_texts_changed``): run the outbox task soon."""
    if enabled():
        nudge("ghl.tasks.drain_conversation_outbox")


# --- collecting -------------------------------------------------------------------------------
def collect(now: datetime | None = None) -> int:
    """Outbox rows for the texts and statuses of the last ``lookback`` hours that have none;
    returns how many were added."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.GHL_OUTBOX_LOOKBACK_HOURS)
    rows = [_row(Kind.INBOUND, f"in:{m.pk}", m.pk) for m in _without(Kind.INBOUND, since)
            .filter(direction=Direction.INBOUND)]
    rows += [_row(Kind.OUTBOUND, f"out:{m.pk}", m.pk) for m in _without(Kind.OUTBOUND, since)
             .filter(direction=Direction.OUTBOUND).exclude(status__in=NOT_HANDED_OVER)
             .exclude(origin__startswith="ghl:")]
    rows += _statuses(since)
    return len(ConversationOutbox.objects.bulk_create(rows, ignore_conflicts=True)) if rows \
        else 0


def _without(kind: str, since: datetime):
    has = ConversationOutbox.objects.filter(sms_message_id=OuterRef("pk"), kind=kind)
    return SmsMessage.objects.filter(created_at__gte=since).filter(~Exists(has)).only(
        "id").order_by("id")


def _statuses(since: datetime) -> list[ConversationOutbox]:
    rows = []
    for link in ProviderMessage.objects.filter(received_at__gte=since,
                                               sms_message__isnull=False).select_related(
            "sms_message"):
        message = link.sms_message
        status = GHL_STATUS.get(message.status)
        if status is not None:
            rows.append(status_row(message, status, link.ghl_message_id))
    return rows


def status_row(message: SmsMessage, status: str, ghl_message_id: str) -> ConversationOutbox:
    payload: dict[str, Any] = {"status": status}
    if status == "failed":
        payload["error"] = {"code": str(message.error_code or message.status),
                            "type": "saas",
                            "message": (message.error_message or message.get_status_display()
                                        )[:255]}
    row = _row(Kind.STATUS, f"status:{message.pk}:{status}", message.pk, payload)
    row.ghl_message_id = ghl_message_id
    return row


def _row(kind: str, key: str, sms_id: int, payload: dict | None = None) -> ConversationOutbox:
    return ConversationOutbox(kind=kind, key=key, sms_message_id=sms_id, payload=payload or {},
                              next_attempt_at=timezone.now())


# --- draining ---------------------------------------------------------------------------------
@dataclass
class Drained:
    done: int = 0
    retrying: int = 0
    gave_up: int = 0


def drain(*, limit: int = 100, client: GHLClient | None = None,
          now: datetime | None = None) -> Drained:
    """Send the due outbox rows to GHL (see the module docstring)."""
    outcome = Drained()
    items = claim(limit, now or timezone.now())
    if not items:
        return outcome
    client = client or GHLClient(max_attempts=2)
    for item in items:
        state = _send(item, client)
        if state == State.DONE:
            outcome.done += 1
        elif state == State.GAVE_UP:
            outcome.gave_up += 1
        else:
            outcome.retrying += 1
    return outcome


def claim(limit: int, now: datetime) -> list[ConversationOutbox]:
    """Due rows, each counted as an attempt and leased for ``LEASE`` (a worker that dies
    leaves it due again then), oldest first; rows another worker holds are skipped."""
    with transaction.atomic():
        due = ConversationOutbox.objects.filter(state=State.PENDING, next_attempt_at__lte=now
                                                ).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        items = list(due.select_related("sms_message")[:limit])
        ConversationOutbox.objects.filter(pk__in=[i.pk for i in items]).update(
            next_attempt_at=now + LEASE)
        for item in items:
            ConversationOutbox.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
            item.attempts += 1
    return items


def _send(item: ConversationOutbox, client: GHLClient) -> str:
    try:
        ghl_id = _deliver(item, client)
    except GHLError as exc:
        return _failed(item, exc)
    ConversationOutbox.objects.filter(pk=item.pk).update(
        state=State.DONE, done_at=timezone.now(), ghl_message_id=ghl_id or item.ghl_message_id,
        last_error="")
    return State.DONE


def _deliver(item: ConversationOutbox, client: GHLClient) -> str:
    if item.kind == Kind.STATUS:
        body = {"status": item.payload["status"]}
        if item.payload.get("error"):
            body["error"] = item.payload["error"]
        client.put(f"/conversations/messages/{item.ghl_message_id}/status", body)
        return item.ghl_message_id
    message = item.sms_message
    thread = thread_for(message.phone, message.customer_id, client)
    text, direction = _text(message), ("inbound" if item.kind == Kind.INBOUND else "outbound")
    if item.attempts > 1 and _outcome_unknown(item.last_error):
        found = _already_there(client, thread.conversation_id, text, direction)
        if found:
            return found
    body = {"type": "SMS", "contactId": thread.contact_id,
            "conversationId": thread.conversation_id, "message": text, "direction": direction,
            "date": message.created_at.isoformat()}
    if settings.GHL_CONVERSATION_PROVIDER_ID:
        body["conversationProviderId"] = settings.GHL_CONVERSATION_PROVIDER_ID
    answer = client.post("/conversations/messages/inbound", body, idempotent=False)
    log.info("sms %s to/from %s added to GHL conversation %s", message.pk,
             mask_phone(message.phone), thread.conversation_id)
    return str(answer.get("messageId") or "")


def _text(message: SmsMessage) -> str:
    did = DID.get(message.intent)
    return f"{message.body}\n\n[{did}]" if did else (message.body or "(no text)")


UNKNOWN_MARK = "outcome unknown: "


def _outcome_unknown(error: str) -> bool:
    return error.startswith(UNKNOWN_MARK)


def _already_there(client: GHLClient, conversation_id: str, text: str,
                   direction: str) -> str | None:
    answer = client.get(f"/conversations/{conversation_id}/messages", limit=20)
    messages = answer.get("messages") or []
    if isinstance(messages, dict):  # the spec's list, or the same object nested once more
        messages = messages.get("messages") or []
    return next((m["id"] for m in messages if isinstance(m, dict) and m.get("body") == text
                 and m.get("direction") == direction and m.get("id")), None)


def _failed(item: ConversationOutbox, exc: GHLError) -> str:
    unknown = item.kind != Kind.STATUS and (exc.status is None or exc.status >= 500)
    error = (UNKNOWN_MARK if unknown else "") + str(exc)[:1900]
    if not exc.retryable or item.attempts >= settings.GHL_OUTBOX_MAX_ATTEMPTS:
        ConversationOutbox.objects.filter(pk=item.pk).update(state=State.GAVE_UP,
                                                              last_error=error)
        log.warning("GHL outbox %s given up after %d attempt(s): %s", item.key, item.attempts,
                    exc)
        return State.GAVE_UP
    wait = min(FIRST_BACKOFF * 2 ** (item.attempts - 1), MAX_BACKOFF)
    if exc.retry_after:
        wait = max(wait, timedelta(seconds=exc.retry_after))
    ConversationOutbox.objects.filter(pk=item.pk).update(
        next_attempt_at=timezone.now() + wait, last_error=error)
    log.info("GHL outbox %s: %s; attempt %d, next in %s", item.key, exc, item.attempts, wait)
    return State.PENDING


def requeue(ids: list[int]) -> int:
    """Staff's "try again" on given-up rows: attempts start afresh."""
    return ConversationOutbox.objects.filter(pk__in=ids, state=State.GAVE_UP).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")
