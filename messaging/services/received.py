"""Storing the texts customers send: the one writer of inbound ``sms_messages`` rows.

``store_received`` is the webhook's hot path, for an ordinary text (no keyword): it writes the
row, linked to the customer whose ServiceTitan contact has the number (its ``phone_e164``
key), and its ``sms.received`` workflow event, atomically, deduplicated on MessageSid. On
PostgreSQL that is one prepared statement (one round trip, its own transaction, planned once
per connection): the contact lookup, the message insert (``ON CONFLICT (sid) DO NOTHING``: a
redelivery inserts nothing and so emits nothing), the event insert and the ``NOTIFY`` that
wakes the workflow workers on commit. Elsewhere (the embedded SQLite default) the ORM does the
same in a transaction, through ``new_inbound_row`` and ``workflows.events.record_event``.
The number's conversation, its owner and email, and the copy in GHL all come after, in the
cluster, read from the stored rows (``services.conversations``, ``ghl.services.outbox``): an
upsert of the conversation here made texts from one number wait on each other's row lock.

The NOTIFY is sent only when something listens for ``sms.received``, as ``workflows.listeners``
decides it (an instance waiting for it, an active definition that starts on it — alone or
among several types — or a live instance its version cancels on it). PostgreSQL serialises
the commits of all transactions that notified (a global lock), which cost the webhook about
40 % of its throughput in ``bench/webhook_load.py``; the NOTIFY only saves latency, since
the event is in the outbox either way and a worker finds it at its next poll.

``new_inbound_row`` writes the row of a keyword text (STOP, HELP, …) inside the transaction
that acts on it (``messaging.services.inbound``), the same row the ORM path writes.

The statement writes ``workflow_events`` rows itself; ``test_received`` checks they equal what
``record_events`` writes, so a change to that table shows up there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction

from config.db import pg_cursor
from messaging.models import Direction, SmsMessage, SmsStatus
from servicetitan.selectors import customer_for_phone
from workflows.events import Event, record_event
from workflows.listeners import LISTENING_SQL

if TYPE_CHECKING:
    from messaging.services.inbound import Inbound

# The literal values are the enums' and servicetitan.selectors.PHONE_TYPES (test_received
# checks): a plain string, no formatting. The contact is found by its E.164 key, as
# servicetitan.selectors.contacts_for_phone finds it.
SMS_RECEIVED = "sms.received"
_STORE = """
WITH contact AS (
    SELECT customer_id FROM st_customer_contacts
    WHERE type IN ('MobilePhone', 'Phone') AND phone_e164 = %(phone)s
    ORDER BY active DESC, modified_on DESC NULLS LAST, id LIMIT 1),
message AS (
    INSERT INTO sms_messages (direction, sid, from_number, to_number, phone, body, segments,
        purpose, status, error_message, customer_id, workflow_step_id, origin, intent, attempts,
        raw, created_at, updated_at, received_at)
    VALUES ('inbound', %(sid)s, %(from)s, %(to)s, %(phone)s, %(body)s,
        %(segments)s, '', 'received', '', (SELECT customer_id FROM contact), '', '', '',
        0, %(raw)s, %(now)s, %(now)s, %(now)s)
    ON CONFLICT (sid) DO NOTHING
    RETURNING id, customer_id),
event AS (
    INSERT INTO workflow_events (event_type, entity_type, entity_id, payload, source,
        created_at)
    SELECT 'sms.received', CASE WHEN customer_id IS NULL THEN 'phone' ELSE 'customer' END,
        COALESCE(customer_id::text, %(phone)s),
        jsonb_build_object('phone', %(phone)s::text, 'body', %(body)s::text,
            'customer_id', customer_id, 'message_id', id, 'to', %(to)s::text,
            'media', %(media)s::int),
        'twilio', %(now)s
    FROM message RETURNING id)
SELECT message.id, message.customer_id,
       (SELECT count(pg_notify('workflows', '')) FROM event WHERE """ + LISTENING_SQL + """)
FROM message
"""  # noqa: S608  (constants only: the values are bound)


@dataclass(frozen=True)
class Stored:
    message_id: int
    customer_id: int | None


def store_received(inbound: Inbound, phone: str, now: datetime) -> Stored | None:
    """Store the text and emit ``sms.received``; None when this MessageSid was stored before.
    ``phone`` is the sender in E.164, or the raw From when it is not a phone number."""
    if connection.vendor == "postgresql":
        return _store_in_one_statement(inbound, phone, now)
    return _store_with_the_orm(inbound, phone, now)


def _store_in_one_statement(inbound: Inbound, phone: str, now: datetime) -> Stored | None:
    with pg_cursor() as cursor:
        # Prepared: planning this statement costs PostgreSQL more than running it.
        cursor.execute(_STORE, {
            "sid": inbound.sid,
            "from": inbound.from_, "to": inbound.to, "phone": phone, "body": inbound.body,
            "segments": inbound.segments, "media": inbound.media,
            "raw": json.dumps(inbound.raw), "now": now, "event_type": SMS_RECEIVED},
            prepare=True)
        row = cursor.fetchone()
    return Stored(row[0], row[1]) if row else None


def _store_with_the_orm(inbound: Inbound, phone: str, now: datetime) -> Stored | None:
    try:
        with transaction.atomic():
            message = new_inbound_row(inbound, phone, now)
            customer_id = message.customer_id
            entity = ("customer", customer_id) if customer_id else ("phone", phone)
            record_event(Event(SMS_RECEIVED, *entity, source="twilio", payload={
                "phone": phone, "body": inbound.body, "customer_id": customer_id,
                "message_id": message.pk, "to": inbound.to, "media": inbound.media}))
    except IntegrityError:
        return None
    return Stored(message.pk, customer_id)


def new_inbound_row(inbound: Inbound, phone: str, now: datetime, intent: str = "") -> SmsMessage:
    """Insert the row of a text customers sent, linked to the customer the number belongs to
    (``phone``: E.164, or the raw From of a sender that is not a phone). Call inside a
    transaction; raises ``IntegrityError`` for a MessageSid stored before."""
    customer_id = customer_for_phone(phone) if phone.startswith("+") else None
    return SmsMessage.objects.create(
        direction=Direction.INBOUND, sid=inbound.sid, from_number=inbound.from_,
        to_number=inbound.to, phone=phone, body=inbound.body, segments=inbound.segments,
        status=SmsStatus.RECEIVED, customer_id=customer_id, intent=intent, raw=inbound.raw,
        received_at=now)
