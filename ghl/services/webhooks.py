"""Receiving GHL webhooks: check, store, then apply.

``receive(body, headers)`` checks in this order — size, signature (over the raw bytes),
JSON shape, timestamp (at most ``MAX_AGE`` old, or early), ``locationId`` (GHL signs every
account's webhooks with the same key, so a signed event may be another location's),
``webhookId`` not seen before — and stores the delivery in ``ghl_webhook_log``: an accepted
one always, a refused one in its verdict's bounded sample (``GHL_WEBHOOK_REFUSED_SAMPLE``
rows, reused round-robin, with its body cut short), counted in ``ghl_webhook_refusals``. It
raises ``WebhookRejected`` (status and reason for the answer) for a refused delivery.
``deliveries.apply_delivery`` then applies an accepted one.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ghl.models import WebhookDelivery
from ghl.services.records import parse_time
from ghl.signatures import SignatureError, verify

log = logging.getLogger(__name__)

MAX_BYTES = 512 * 1024
MAX_AGE = timedelta(minutes=5)
KEPT_WHEN_REFUSED = 2000  # characters of a refused body kept for staff to look at
RETRY_GRACE = timedelta(minutes=1)
Verdict = WebhookDelivery.Verdict


class WebhookRejected(Exception):
    """A refused delivery: the answer's ``status`` and ``reason``, the sample row it was
    stored in, and ``label``, the metric's reason when the status alone does not say it."""

    def __init__(self, status: int, reason: str, delivery: WebhookDelivery | None = None,
                 label: str = ""):
        super().__init__(reason)
        self.status, self.reason, self.delivery, self.label = status, reason, delivery, label


def receive(body: bytes, headers: dict[str, str]) -> WebhookDelivery:
    """The stored, accepted delivery; ``WebhookRejected`` otherwise. ``headers``: the
    request's, names lower-cased."""
    if len(body) > MAX_BYTES:
        raise WebhookRejected(413, f"the body must be at most {MAX_BYTES} bytes")
    try:
        signature = verify(body, headers)
    except SignatureError as exc:
        _refuse(401, exc.verdict, exc.reason, body)
    event = _parse(body)
    moment = parse_time(event.get("timestamp"))
    if moment is None:
        _refuse(400, Verdict.MALFORMED, "timestamp is missing or not a time", body, event)
    now = timezone.now()
    if now - moment > MAX_AGE or moment - now > MAX_AGE:
        _refuse(400, Verdict.STALE, f"timestamp {event['timestamp']} is more than "
                                    f"{MAX_AGE.seconds // 60} minutes from now", body, event)
    if event.get("locationId") != settings.GHL.location_id:
        _refuse(403, Verdict.OTHER_LOCATION, "locationId is not this service's GHL location"
                if event.get("locationId") else "locationId is missing", body, event,
                label="other_location")
    return _store_once(event, moment, signature, body)


def _parse(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        _refuse(400, Verdict.MALFORMED, "the body is not JSON", body)
    if not isinstance(event, dict) or not isinstance(event.get("type"), str) \
            or not event["type"]:
        _refuse(400, Verdict.MALFORMED, "the body is not an event with a type", body)
    if not isinstance(event.get("webhookId"), str) or not event["webhookId"]:
        _refuse(400, Verdict.MALFORMED, "webhookId is missing", body, event)
    return event


def _store_once(event: dict[str, Any], moment, signature: str,
                body: bytes) -> WebhookDelivery:
    now = timezone.now()
    fields = _fields(event) | {"event_timestamp": moment, "signature": signature,
                               "body": body.decode("utf-8"),
                               # the request applies it; the retry task only if it did not
                               "next_attempt_at": now + RETRY_GRACE}
    try:
        with transaction.atomic():
            return WebhookDelivery.objects.create(verdict=Verdict.ACCEPTED, **fields)
    except IntegrityError:  # the partial unique index: this webhookId was accepted before
        _refuse(409, Verdict.REPLAYED, f"webhookId {event['webhookId'][:100]} was already received",
                body, event)


def _refuse(status: int, verdict: str, reason: str, body: bytes,
            event: dict[str, Any] | None = None, label: str = "") -> NoReturn:
    delivery = WebhookDelivery(
        verdict=verdict, status=WebhookDelivery.Status.REJECTED, error=_storable(reason),
        body=_storable(body[:KEPT_WHEN_REFUSED * 4].decode("utf-8", "replace"))[
            :KEPT_WHEN_REFUSED],
        **_fields(event or {}))
    delivery.slot = _count_refusal(verdict) % settings.GHL_WEBHOOK_REFUSED_SAMPLE
    WebhookDelivery.objects.bulk_create(
        [delivery], update_conflicts=True, unique_fields=["verdict", "slot"],
        update_fields=SAMPLED_FIELDS)
    log.warning("GHL webhook refused (%s): %s", verdict, reason)
    raise WebhookRejected(status, reason, delivery, label)


# What a refusal writes over the oldest row of its verdict's sample.
SAMPLED_FIELDS = ["received_at", "event_type", "webhook_id", "record_id", "error", "body"]
# One statement: the verdict's count goes up by one and comes back; concurrent refusals take
# turns on the row for that statement only, each getting its own number (so its own slot).
_COUNT_REFUSAL = """
INSERT INTO ghl_webhook_refusals (verdict, count, first_at, last_at) VALUES (%s, 1, %s, %s)
ON CONFLICT (verdict) DO UPDATE
SET count = ghl_webhook_refusals.count + 1, last_at = excluded.last_at
RETURNING count
"""


def _count_refusal(verdict: str) -> int:
    """Counts one more refusal of ``verdict``; returns how many there have been."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_REFUSAL, [verdict, now, now])
        return cursor.fetchone()[0]


def _fields(event: dict[str, Any]) -> dict[str, Any]:
    def text(key: str, length: int) -> str:
        value = event.get(key)
        return _storable(value)[:length] if isinstance(value, str) else ""
    return {"event_type": text("type", 60), "webhook_id": text("webhookId", 100),
            "record_id": text("id", 64)}


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(text: str) -> str:
    """PostgreSQL text holds neither NUL nor a lone surrogate (JSON can escape both, and
    signed junk is still junk): keep the rest of what was sent, visibly marked."""
    return _UNSTORABLE.sub("\ufffd", text)
