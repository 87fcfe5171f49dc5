"""Webhooks the way GHL sends them: flat JSON events, signed over the raw body.

An event is ``{"type": ..., "locationId": ..., <the record's fields>, "timestamp": ...,
"webhookId": ...}`` (see the shared specs' webhook-examples). Signatures, base64 over the exact
bytes sent: ``x-ghl-signature`` (Ed25519, current) and ``x-wh-signature`` (RSA-SHA256 with
PKCS#1 v1.5, legacy), made with the sandbox's own keys (``sandbox.ghl.keys``).
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from sandbox.credentials import SANDBOX_GHL_LOCATION_ID
from sandbox.ghl.data import iso
from sandbox.ghl.keys import ed25519_private_key, rsa_private_key
from sandbox.support import Delivery, post

SIGNATURE_MODES = ("ed25519", "rsa", "both", "none", "bad")

# The contact fields of the Contact* examples (ContactDndUpdate adds dndSettings).
CONTACT_EVENT_FIELDS = ("id", "address1", "city", "state", "companyName", "country", "source",
                        "dateAdded", "dateOfBirth", "dnd", "email", "name", "firstName",
                        "lastName", "phone", "postalCode", "tags", "website", "assignedTo",
                        "customFields")
OPPORTUNITY_EVENT_FIELDS = ("id", "assignedTo", "contactId", "monetaryValue", "name",
                            "pipelineId", "pipelineStageId", "source", "status")


def contact_payload(contact: dict[str, Any], event_type: str) -> dict[str, Any]:
    payload = {name: contact.get(name) for name in CONTACT_EVENT_FIELDS}
    payload["attachments"] = []
    if event_type == "ContactDndUpdate":
        payload["dndSettings"] = contact.get("dndSettings")
    return payload


def opportunity_payload(opportunity: dict[str, Any]) -> dict[str, Any]:
    payload = {name: opportunity.get(name) for name in OPPORTUNITY_EVENT_FIELDS}
    payload["dateAdded"] = opportunity.get("createdAt")
    return payload


def event_body(event_type: str, payload: dict[str, Any], moment: datetime,
               webhook_id: str | None = None) -> bytes:
    event = {"type": event_type, "locationId": SANDBOX_GHL_LOCATION_ID, **payload,
             "timestamp": iso(moment), "webhookId": webhook_id or str(uuid.uuid4())}
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature_headers(body: bytes, mode: str) -> dict[str, str]:
    """The signature headers for ``body``. ``bad``: well-formed signatures of other bytes."""
    if mode not in SIGNATURE_MODES:
        raise ValueError(f"signature must be one of {', '.join(SIGNATURE_MODES)}, not {mode!r}")
    signed = body + b" " if mode == "bad" else body
    headers = {}
    if mode in ("ed25519", "both", "bad"):
        headers["x-ghl-signature"] = _b64(ed25519_private_key().sign(signed))
    if mode in ("rsa", "both", "bad"):
        signature = rsa_private_key().sign(signed, padding.PKCS1v15(), hashes.SHA256())
        headers["x-wh-signature"] = _b64(signature)
    return headers


def deliver(url: str, body: bytes, signature: str) -> Delivery:
    """POST one event; returns what the receiver answered (raises ``DeliveryError``)."""
    headers = {"Content-Type": "application/json", "User-Agent": "GHL-Sandbox-Webhooks/1.0",
               **signature_headers(body, signature)}
    return post(url, body, headers)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
