"""GHL webhooks: signed like GHL (Ed25519 and RSA), flat events, several per change."""

import base64
import json
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from sandbox.ghl.keys import ED25519_PUBLIC_KEY_PEM, RSA_PUBLIC_KEY_PEM
from sandbox.support import DeliveryError
from tests.sandbox.ghl_twilio_support import LOCATION

pytest_plugins = ["tests.sandbox.ghl_twilio_fixtures"]

PAYLOAD = {"id": "wWhVuzqpRuOA1ZVWi4FC", "status": "won", "pipelineId": "p1"}


def ed25519_valid(body: bytes, signature: str) -> bool:
    key = serialization.load_pem_public_key(ED25519_PUBLIC_KEY_PEM.encode())
    try:
        key.verify(base64.b64decode(signature), body)
    except InvalidSignature:
        return False
    return True


def rsa_valid(body: bytes, signature: str) -> bool:
    key = serialization.load_pem_public_key(RSA_PUBLIC_KEY_PEM.encode())
    try:
        key.verify(base64.b64decode(signature), body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def test_send_webhook_returns_the_status_our_server_answered(ghl, receiver):
    receiver.status = 202
    assert ghl.send_webhook(receiver.url(), "OpportunityStatusUpdate", PAYLOAD) == 202


def test_an_ed25519_signature_verifies_with_the_published_sandbox_key(ghl, receiver):
    ghl.send_webhook(receiver.url(), "OpportunityStatusUpdate", PAYLOAD, signature="ed25519")
    [request] = receiver.wait_for(1)
    assert ed25519_valid(request.body, request.headers["x-ghl-signature"])
    assert "x-wh-signature" not in request.headers


def test_an_rsa_signature_verifies_with_the_published_sandbox_key(ghl, receiver):
    ghl.send_webhook(receiver.url(), "OpportunityStatusUpdate", PAYLOAD, signature="rsa")
    [request] = receiver.wait_for(1)
    assert rsa_valid(request.body, request.headers["x-wh-signature"])
    assert "x-ghl-signature" not in request.headers


def test_both_signatures_can_travel_together(ghl, receiver):
    ghl.send_webhook(receiver.url(), "ContactCreate", {"id": "c1"}, signature="both")
    [request] = receiver.wait_for(1)
    assert ed25519_valid(request.body, request.headers["x-ghl-signature"])
    assert rsa_valid(request.body, request.headers["x-wh-signature"])


def test_bad_signatures_do_not_verify(ghl, receiver):
    ghl.send_webhook(receiver.url(), "ContactCreate", {"id": "c1"}, signature="bad")
    [request] = receiver.wait_for(1)
    assert not ed25519_valid(request.body, request.headers["x-ghl-signature"])
    assert not rsa_valid(request.body, request.headers["x-wh-signature"])


def test_an_unsigned_webhook_has_no_signature_headers(ghl, receiver):
    ghl.send_webhook(receiver.url(), "ContactCreate", {"id": "c1"}, signature="none")
    [request] = receiver.wait_for(1)
    assert not {"x-ghl-signature", "x-wh-signature"} & set(request.headers)


def test_an_unknown_signature_mode_is_refused(ghl, receiver):
    with pytest.raises(ValueError):
        ghl.send_webhook(receiver.url(), "ContactCreate", {}, signature="hmac")


def test_the_event_is_flat_json_with_type_location_timestamp_and_webhook_id(ghl, receiver):
    moment = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    ghl.send_webhook(receiver.url(), "OpportunityStatusUpdate", PAYLOAD, timestamp=moment,
                     webhook_id="hook-1")
    [request] = receiver.wait_for(1)
    assert json.loads(request.body) == {
        "type": "OpportunityStatusUpdate", "locationId": LOCATION, **PAYLOAD,
        "timestamp": "2026-01-02T03:04:05.678Z", "webhookId": "hook-1"}
    assert request.headers["content-type"] == "application/json"


def test_nothing_listening_raises_a_delivery_error(ghl, receiver):
    url = receiver.url()
    receiver.server.stop()
    with pytest.raises(DeliveryError):
        ghl.send_webhook(url, "ContactCreate", {})


def test_the_sandbox_never_posts_beyond_loopback(ghl):
    with pytest.raises(DeliveryError, match="loopback"):
        ghl.send_webhook("http://192.0.2.10/hook", "ContactCreate", {})


def test_a_staff_status_change_fires_update_and_status_update_in_order(ghl, receiver):
    ghl.register_webhook(receiver.url(), signature="ed25519")
    opportunity = next(o for o in ghl.state.opportunities.values() if o["status"] == "open")
    change = ghl.update_opportunity(opportunity["id"], status="lost")
    events = [json.loads(r.body) for r in receiver.wait_for(2)]
    assert change.events == ["OpportunityUpdate", "OpportunityStatusUpdate"]
    assert [e["type"] for e in events] == change.events
    assert [d["status"] for d in change.deliveries] == [200, 200]
    assert events[1]["status"] == "lost" and events[1]["id"] == opportunity["id"]
    assert all(ed25519_valid(r.body, r.headers["x-ghl-signature"]) for r in receiver.requests)


def test_a_staff_stage_and_value_change_fires_each_specific_event(ghl, receiver):
    ghl.register_webhook(receiver.url())
    opportunity = next(o for o in ghl.state.opportunities.values() if o["status"] == "open")
    stages = ghl.state.pipeline(opportunity["pipelineId"])["stages"]
    other = next(s["id"] for s in stages if s["id"] != opportunity["pipelineStageId"])
    change = ghl.update_opportunity(opportunity["id"], pipelineStageId=other,
                                    monetaryValue=opportunity["monetaryValue"] + 1)
    assert change.events == ["OpportunityUpdate", "OpportunityStageUpdate",
                             "OpportunityMonetaryValueUpdate"]


def test_a_staff_dnd_change_fires_contact_update_and_dnd_update(ghl, receiver):
    ghl.register_webhook(receiver.url())
    contact = next(c for c in ghl.state.contacts.values() if not c["dnd"])
    ghl.update_contact(contact["id"], dnd=True)
    update, dnd_update = (json.loads(r.body) for r in receiver.wait_for(2))
    assert (update["type"], dnd_update["type"]) == ("ContactUpdate", "ContactDndUpdate")
    assert "dndSettings" in dnd_update and "dndSettings" not in update
    assert dnd_update["dnd"] is True


def test_an_unchanged_record_fires_nothing(ghl, receiver):
    ghl.register_webhook(receiver.url())
    contact = next(iter(ghl.state.contacts.values()))
    assert ghl.update_contact(contact["id"], city=contact["city"]).events == []
    assert receiver.requests == []


def test_a_staff_change_without_notify_fires_nothing(ghl, receiver):
    ghl.register_webhook(receiver.url())
    change = ghl.create_contact(notify=False, firstName="Quiet", email="quiet@example.com")
    assert change.events == ["ContactCreate"] and change.deliveries == []
    assert receiver.requests == []


def test_deleting_an_opportunity_fires_opportunity_delete(ghl, receiver):
    ghl.register_webhook(receiver.url())
    change = ghl.delete_opportunity(next(iter(ghl.state.opportunities)))
    assert [json.loads(r.body)["type"] for r in receiver.wait_for(1)] == ["OpportunityDelete"]
    assert change.record["id"] not in ghl.state.opportunities


def test_api_changes_fire_webhooks_in_the_background_when_enabled(ghl, ghl_api, receiver):
    ghl.configure(webhook_url=receiver.url(), webhooks_for_api_changes=True)
    contact = ghl_api.post("/contacts/upsert", {"locationId": LOCATION, "firstName": "Echo",
                                                "email": "echo@example.com"}).json()["contact"]
    assert ghl.wait_for_webhooks()
    [event] = [json.loads(r.body) for r in receiver.requests]
    assert (event["type"], event["id"]) == ("ContactCreate", contact["id"])


def test_api_changes_fire_nothing_by_default(ghl, ghl_api, receiver):
    ghl.register_webhook(receiver.url())
    ghl_api.post("/contacts/upsert", {"locationId": LOCATION, "email": "quiet@example.com"})
    assert ghl.wait_for_webhooks()
    assert receiver.requests == []
