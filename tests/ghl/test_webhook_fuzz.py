"""Property-based tests of the GHL webhook (hypothesis; profiles in tests/conftest.py): whatever
arrives — bytes, JSON of any shape, signed or not — never a 500 and never an applied event
that was refused; a genuine event is stored exactly once however often it is delivered.
Signatures are the sandbox's real Ed25519 and RSA ones (``signature_headers``)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from ghl.models import WebhookDelivery
from ghl.services.apply import HANDLED
from sandbox.ghl.data import iso
from sandbox.ghl.webhooks import SIGNATURE_MODES, signature_headers
from tests.fuzzing import HEADER, JSON, JSON_TEXT, isolated
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db
EVENT_TYPES = st.sampled_from(sorted(HANDLED)) | st.sampled_from(["InboundMessage", ""]) \
    | JSON_TEXT
# Times GHL might stamp (now, give or take), and ones it would not.
NEAR = st.integers(-240, 240).map(lambda s: timezone.now() + timedelta(seconds=s))
TIMESTAMPS = NEAR.map(iso) | NEAR.map(lambda t: int(t.timestamp() * 1000)) | JSON
LOCATIONS = st.sampled_from(["ours", "other", "missing"]) | JSON
WEBHOOK_IDS = st.uuids().map(str) | JSON
RECORDS = st.dictionaries(st.sampled_from(["id", "name", "phone", "email", "dnd", "tags",
                                           "dndSettings", "status", "monetaryValue",
                                           "contactId", "pipelineStageId", "dateAdded"])
                          | JSON_TEXT,
                          JSON, max_size=8)


@st.composite
def events(draw, *, well_formed: bool = False) -> dict:
    """A GHL-shaped event; ``well_formed``: one we must accept (our location, a fresh
    webhookId, a timestamp within the window), with a record of any shape."""
    event = {**draw(RECORDS), "type": draw(EVENT_TYPES.filter(bool) if well_formed
                                           else EVENT_TYPES)}
    location = "ours" if well_formed else draw(LOCATIONS)
    if location == "ours":
        event["locationId"] = settings.GHL.location_id
    elif location != "missing":
        event["locationId"] = "someOtherLocation" if location == "other" else location
    event["timestamp"] = draw(NEAR.map(iso) if well_formed else TIMESTAMPS)
    event["webhookId"] = draw(st.uuids().map(str) if well_formed else WEBHOOK_IDS)
    return event


def encoded(event: dict, ascii_only: bool) -> bytes:
    """UTF-8 JSON, non-ASCII as it is or escaped; a lone surrogate is always escaped (no
    UTF-8 holds it: bodies that are not UTF-8 at all come from ``st.binary``)."""
    text = json.dumps(event, ensure_ascii=ascii_only)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(event).encode("ascii")


def post(client, body: bytes, headers: dict[str, str], content_type: str = "application/json"):
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return client.generic("POST", "/webhooks/ghl/", body, content_type=content_type, **meta)


@given(body=st.binary(max_size=2048) | events().map(lambda e: encoded(e, True))
       | st.integers(512 * 1024 - 8, 512 * 1024 + 8).map(lambda n: b"{" + b" " * (n - 2) + b"}"),
       mode=st.sampled_from(SIGNATURE_MODES), forged=st.dictionaries(
           st.sampled_from(["x-ghl-signature", "x-wh-signature"]), HEADER, max_size=2),
       content_type=st.sampled_from(["application/json", "text/plain", ""]) | HEADER)
def test_no_request_is_a_500_and_a_refused_one_applies_nothing(client, body, mode, forged,
                                                               content_type):
    with isolated():
        response = post(client, body, {**signature_headers(body, mode), **forged},
                        content_type)
        assert response.status_code < 500
        if response.status_code >= 400:
            assert not WebhookDelivery.objects.filter(verdict="accepted").exists()
            assert not WorkflowEvent.objects.exists()


@given(event=events(), ascii_only=st.booleans(), mode=st.sampled_from(["ed25519", "rsa"]))
def test_a_signed_event_of_any_shape_is_answered_without_a_500(client, event, ascii_only,
                                                               mode):
    body = encoded(event, ascii_only)
    with isolated():
        response = post(client, body, signature_headers(body, mode))
        assert response.status_code < 500
        accepted = WebhookDelivery.objects.filter(verdict="accepted")
        assert accepted.exists() == (response.status_code == 200)


@given(event=events(well_formed=True), ascii_only=st.booleans(),
       mode=st.sampled_from(["ed25519", "rsa", "both"]))
def test_a_genuine_event_is_stored_exactly_once_however_often_it_comes(client, event,
                                                                       ascii_only, mode):
    body = encoded(event, ascii_only)
    with isolated():
        answers = [post(client, body, signature_headers(body, mode)).status_code
                   for _ in range(2)]
        assert answers == [200, 409]
        assert WebhookDelivery.objects.filter(verdict="accepted").count() == 1
        assert WebhookDelivery.objects.get(verdict="accepted").status not in ("pending",
                                                                                "failed")
