"""The provider webhook's bad input: a 4xx with the reason, nothing stored, nothing sent —
or, for a replay, the first answer again and still one text."""

from __future__ import annotations

import json

import pytest

from ghl.models import GHLContact, ProviderMessage
from messaging.models import SmsMessage
from sandbox.credentials import SANDBOX_GHL_LOCATION_ID
from sandbox.ghl.webhooks import signature_headers

pytestmark = pytest.mark.django_db
URL = "/webhooks/ghl/provider/"
PHONE = "+14075550177"


@pytest.fixture(autouse=True)
def texting(settings, sandbox):
    settings.MESSAGING = {"sends_per_second": 1000.0}
    settings.GHL_CONVERSATIONS = True


def payload(**changes) -> dict:
    base = {"contactId": "ctc1", "locationId": SANDBOX_GHL_LOCATION_ID, "messageId": "msg1",
            "type": "SMS", "phone": PHONE, "message": "Hello from GHL", "userId": "usr1"}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def post(client, body: bytes | dict, signature: str | None = "ed25519"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v
               for k, v in (signature_headers(raw, signature) if signature else {}).items()}
    return client.post(URL, raw, content_type="application/json", **headers)


def refused(response, status: int, words: str) -> None:
    assert response.status_code == status, response.content
    assert words in response.json()["error"]
    assert not ProviderMessage.objects.exists() and not SmsMessage.objects.exists()


def test_unsigned_is_refused(client):
    refused(post(client, payload(), signature=None), 401, "no x-ghl-signature")


def test_a_bad_signature_is_refused(client):
    refused(post(client, payload(), signature="bad"), 401, "does not match")


def test_another_location_is_refused(client):
    refused(post(client, payload(locationId="someoneElse")), 403, "locationId")


def test_not_json_is_refused(client):
    refused(post(client, b"{not json"), 400, "not JSON")


def test_a_list_is_refused(client):
    refused(post(client, b"[1, 2]"), 400, "not a JSON object")


def test_an_empty_message_is_refused(client):
    refused(post(client, payload(message="  ")), 422, "empty")


def test_an_over_long_message_is_refused(client):
    refused(post(client, payload(message="x" * 1601)), 422, "1601 characters")


def test_an_email_is_refused(client):
    refused(post(client, payload(type="Email")), 422, "only SMS")


def test_a_missing_message_id_is_refused(client):
    refused(post(client, payload(messageId=None)), 422, "messageId")


def test_a_phone_that_is_not_a_number_is_refused(client):
    refused(post(client, payload(phone="call me")), 422, "phone")


def test_a_contact_we_know_with_another_number_is_refused(client):
    from django.utils import timezone

    GHLContact.objects.create(id="ctc1", phone="+14075550100", phone_e164="+14075550100",
                              raw={}, synced_at=timezone.now())
    refused(post(client, payload()), 422, "another phone number")


def test_an_oversized_body_is_refused(client):
    refused(post(client, b" " * (64 * 1024 + 1)), 413, "over")


def test_an_unknown_contact_is_texted_at_the_payloads_phone(client, sandbox):
    response = post(client, payload(contactId="neverSeen"))
    assert response.status_code == 200
    assert SmsMessage.objects.get().phone == PHONE


def test_a_replay_answers_the_same_and_texts_once(client, sandbox):
    first = post(client, payload())
    second = post(client, payload())
    assert first.json()["status"] == second.json()["status"]
    assert second.json()["duplicate"] is True
    assert SmsMessage.objects.count() == 1
    assert len(sandbox.vendor("twilio").messages()) <= 1


def test_with_conversations_turned_off_it_answers_404(client, settings):
    settings.GHL_CONVERSATIONS = False
    refused(post(client, payload()), 404, "turned off")
