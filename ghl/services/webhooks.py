"""Receiving GHL webhooks: check, store, then apply.

``receive(body, headers)`` checks in this order — size, signature (over the raw bytes),
JSON shape, timestamp (at most ``MAX_AGE`` old, or early), ``webhookId`` not seen before —
and stores every delivery in ``ghl_webhook_log`` with its verdict, accepted or not (a refused
one with its body cut short). It raises ``WebhookRejected`` (status and reason for the answer)
for a refused delivery. ``apply_delivery`` then applies an accepted one to the mirror; a
failure there is recorded on the row, never raised to GHL (it would not retry anyway).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any, NoReturn

from django.db import IntegrityError, transaction
from django.utils import timezone

from ghl.models import WebhookDelivery
from ghl.services import apply
from ghl.services.records import parse_time
from ghl.signatures import SignatureError, verify

log = logging.getLogger(__name__)

MAX_BYTES = 512 * 1024
MAX_AGE = timedelta(minutes=5)
KEPT_WHEN_REFUSED = 2000  # characters of a refused body kept for staff to look at
Verdict = WebhookDelivery.Verdict


class WebhookRejected(Exception):
    def __init__(self, status: int, reason: str, delivery: WebhookDelivery | None = None):
        super().__init__(reason)
        self.status, self.reason, self.delivery = status, reason, delivery


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
    fields = _fields(event) | {"event_timestamp": moment, "signature": signature,
                               "body": body.decode("utf-8")}
    try:
        with transaction.atomic():
            return WebhookDelivery.objects.create(verdict=Verdict.ACCEPTED, **fields)
    except IntegrityError:  # the partial unique index: this webhookId was accepted before
        _refuse(409, Verdict.REPLAYED, f"webhookId {event['webhookId']} was already received",
                body, event)


def _refuse(status: int, verdict: str, reason: str, body: bytes,
            event: dict[str, Any] | None = None) -> NoReturn:
    delivery = WebhookDelivery.objects.create(
        verdict=verdict, status=WebhookDelivery.Status.REJECTED, error=reason,
        body=_storable(body[:KEPT_WHEN_REFUSED * 4].decode("utf-8", "replace"))[
            :KEPT_WHEN_REFUSED],
        **_fields(event or {}))
    log.warning("GHL webhook refused (%s): %s", verdict, reason)
    raise WebhookRejected(status, reason, delivery)


def _fields(event: dict[str, Any]) -> dict[str, Any]:
    def text(key: str, length: int) -> str:
        value = event.get(key)
        return _storable(value)[:length] if isinstance(value, str) else ""
    return {"event_type": text("type", 60), "webhook_id": text("webhookId", 100),
            "record_id": text("id", 64)}


def _storable(text: str) -> str:
    """PostgreSQL text cannot hold NUL: keep the rest of what was sent, visibly marked."""
    return text.replace("\x00", "\ufffd")


def apply_delivery(delivery: WebhookDelivery) -> WebhookDelivery:
    """Apply an accepted delivery to the mirror and record how it went."""
    try:
        delivery.status = apply.apply_event(json.loads(delivery.body),
                                            delivery.event_timestamp)
        delivery.error = ""
    except Exception as exc:  # recorded for staff (admin: apply again); GHL gets its 200
        log.exception("GHL webhook %s could not be applied", delivery.pk)
        delivery.status, delivery.error = WebhookDelivery.Status.FAILED, f"{exc!r}"[:2000]
    delivery.processed_at = timezone.now()
    delivery.save(update_fields=["status", "error", "processed_at"])
    return delivery
