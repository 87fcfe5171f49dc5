"""``POST /webhooks/ghl/``: every delivery stored with its verdict; only genuine, fresh, first
deliveries are applied; bad input is a 4xx with a reason, never a 500."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ghl.models import GHLContact, WebhookDelivery, WebhookRefusals
from tests.ghl.conftest import post_webhook, webhook_body
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db
CONTACT = {"id": "cWebhook000000000001", "firstName": "Zoë", "lastName": "García",
           "name": "Zoë García", "email": "zoe@example.com", "phone": "+14075550142",
           "dnd": False, "tags": ["hvac"]}


def test_a_signed_contact_event_is_stored_applied_and_announced(client):
    response = post_webhook(client, webhook_body("ContactCreate", CONTACT, webhook_id="w1"))
    assert response.status_code == 200 and response.json()["status"] == "applied"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.verdict, delivery.signature, delivery.webhook_id) == (
        "accepted", "ed25519", "w1")
    assert GHLContact.objects.get(id=CONTACT["id"]).name == "Zoë García"
    assert WorkflowEvent.objects.get().event_type == "ghl.contact.updated"


def test_a_legacy_rsa_signed_event_is_accepted(client):
    response = post_webhook(client, webhook_body("ContactCreate", CONTACT), signature="rsa")
    assert response.status_code == 200
    assert WebhookDelivery.objects.get().signature == "rsa"


@pytest.mark.parametrize(("signature", "verdict"), [("none", "unsigned"),
                                                    ("bad", "bad_signature")])
def test_an_unsigned_or_wrongly_signed_event_is_refused_and_logged(client, signature, verdict):
    response = post_webhook(client, webhook_body("ContactCreate", CONTACT), signature=signature)
    assert response.status_code == 401 and response.json()["error"]
    assert WebhookDelivery.objects.get().verdict == verdict
    assert not GHLContact.objects.exists()


@pytest.mark.parametrize("age", [timedelta(minutes=6), timedelta(minutes=-6)])
def test_an_event_stamped_more_than_five_minutes_away_is_refused(client, age):
    body = webhook_body("ContactCreate", CONTACT, timestamp=timezone.now() - age)
    response = post_webhook(client, body)
    assert response.status_code == 400 and "5 minutes" in response.json()["error"]
    assert WebhookDelivery.objects.get().verdict == "stale"
    assert not GHLContact.objects.exists()


def test_an_event_a_little_less_than_five_minutes_old_is_accepted(client):
    body = webhook_body("ContactCreate", CONTACT,
                        timestamp=timezone.now() - timedelta(minutes=4, seconds=50))
    assert post_webhook(client, body).status_code == 200


def test_a_replayed_webhook_id_is_refused_and_applied_once(client):
    body = webhook_body("ContactCreate", CONTACT, webhook_id="same-id")
    assert post_webhook(client, body).status_code == 200
    response = post_webhook(client, body)
    assert response.status_code == 409 and "already received" in response.json()["error"]
    verdicts = sorted(WebhookDelivery.objects.values_list("verdict", flat=True))
    assert verdicts == ["accepted", "replayed"]
    assert WorkflowEvent.objects.count() == 1


@pytest.mark.parametrize(("body", "reason"), [
    (b"not json at all", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b"[1, 2]", "event with a type"),
    (json.dumps({"id": "x", "webhookId": "w"}).encode(), "event with a type"),
    (json.dumps({"type": "ContactCreate", "timestamp": "2026-01-01T00:00:00Z"}).encode(),
     "webhookId"),
    (json.dumps({"type": "ContactCreate", "webhookId": "w"}).encode(), "timestamp"),
    (json.dumps({"type": "ContactCreate", "webhookId": "w", "timestamp": "soon"}).encode(),
     "timestamp"),
])
def test_a_signed_but_malformed_body_is_a_400_with_the_reason(client, body, reason):
    response = post_webhook(client, body)
    assert response.status_code == 400 and reason in response.json()["error"]
    assert WebhookDelivery.objects.get().verdict in ("malformed", "stale")


def test_an_unknown_event_type_is_stored_and_ignored(client):
    response = post_webhook(client, webhook_body("InboundMessage", {"body": "hi"}))
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert not WorkflowEvent.objects.exists()


@pytest.mark.parametrize(("location", "reason"), [("someOtherLocation", "not this service's"),
                                                  (None, "locationId is missing")])
def test_an_event_of_another_location_is_refused_and_changes_nothing(client, location, reason):
    """GHL signs every account's webhooks with the same key: a signature does not make an
    event ours."""
    body = json.loads(webhook_body("ContactCreate", CONTACT))
    body.pop("locationId")
    if location:
        body["locationId"] = location
    response = post_webhook(client, json.dumps(body).encode())
    assert response.status_code == 403 and reason in response.json()["error"]
    assert WebhookDelivery.objects.get().verdict == "other_location"
    assert not GHLContact.objects.exists() and not WorkflowEvent.objects.exists()


def test_a_handled_event_without_a_record_id_is_given_up_not_a_500(client):
    """A payload that cannot be applied is a permanent error: no retries."""
    response = post_webhook(client, webhook_body("OpportunityCreate", {"name": "no id"}))
    assert response.status_code == 200 and response.json()["status"] == "gave_up"
    delivery = WebhookDelivery.objects.get()
    assert "without a record id" in delivery.error
    assert (delivery.attempts, delivery.next_attempt_at) == (1, None)


def test_a_huge_body_is_refused_before_anything_else(client):
    response = client.post("/webhooks/ghl/", data=b"x" * (600 * 1024),
                           content_type="application/json")
    assert response.status_code == 413 and not WebhookDelivery.objects.exists()


def test_only_post_is_allowed(client):
    assert client.get("/webhooks/ghl/").status_code == 405


def test_a_flood_is_cut_off_with_429_and_retry_after(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_ghl": "2/m"}
    statuses = [post_webhook(client, webhook_body("InboundMessage", {})).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert WebhookDelivery.objects.count() == 2


def test_a_wrongly_signed_legacy_rsa_event_is_refused(client):
    from sandbox.ghl.webhooks import signature_headers

    body = webhook_body("ContactCreate", CONTACT)
    forged = signature_headers(body + b" ", "rsa")["x-wh-signature"]
    response = client.post("/webhooks/ghl/", data=body, content_type="application/json",
                           HTTP_X_WH_SIGNATURE=forged)
    assert response.status_code == 401 and "x-wh-signature" in response.json()["error"]
    assert not GHLContact.objects.exists()


@pytest.mark.parametrize("signature", ["none", "ed25519"])
def test_nul_characters_are_refused_or_stored_without_a_500(client, signature):
    body = json.dumps({"type": "Contact\u0000Create", "webhookId": "w\u0000",
                       "timestamp": "soon"}).encode() + (b"\x00" if signature == "none" else b"")
    response = post_webhook(client, body, signature=signature)
    assert response.status_code in (400, 401)
    stored = WebhookDelivery.objects.get()
    assert "\x00" not in stored.body + stored.event_type + stored.webhook_id


@pytest.mark.parametrize("timestamp", [10**20, -10**20, "NaN", 1e308])
def test_an_impossible_numeric_timestamp_is_a_400(client, timestamp):
    body = json.dumps({"type": "ContactCreate", "webhookId": "w1",
                       "timestamp": float("nan") if timestamp == "NaN" else timestamp}).encode()
    response = post_webhook(client, body)
    assert response.status_code == 400 and "timestamp" in response.json()["error"]


def test_refused_deliveries_keep_only_the_newest_few_per_verdict_and_are_all_counted(
        client, settings):
    """Junk cannot grow the log: each verdict keeps a sample, and a count says how many."""
    settings.GHL_WEBHOOK_REFUSED_SAMPLE = 3
    for n in range(10):
        post_webhook(client, webhook_body("ContactCreate", CONTACT, webhook_id=f"bad{n}"),
                     signature="bad")
    post_webhook(client, webhook_body("ContactCreate", CONTACT), signature="none")
    kept = WebhookDelivery.objects.filter(verdict="bad_signature")
    assert sorted('"bad7"' in d.body or '"bad8"' in d.body or '"bad9"' in d.body
                  for d in kept) == [True] * 3
    counts = dict(WebhookRefusals.objects.values_list("verdict", "count"))
    assert counts == {"bad_signature": 10, "unsigned": 1}
    assert WebhookDelivery.objects.filter(verdict="unsigned").count() == 1


def test_a_refused_delivery_is_counted_on_metrics_by_verdict(client, settings):
    settings.GHL_WEBHOOK_REFUSED_SAMPLE = 1
    for _ in range(2):
        post_webhook(client, webhook_body("ContactCreate", CONTACT), signature="bad")
    text = client.get("/metrics").content.decode()
    assert 'perfectcatch_ghl_webhook_refused_total{verdict="bad_signature"} 2.0' in text
