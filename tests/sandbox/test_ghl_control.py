"""The GHL sandbox's control API over HTTP (``/ghl/_control/...``)."""

import json

import pytest
import requests

from tests.sandbox.ghl_twilio_support import LOCATION

pytest_plugins = ["tests.sandbox.ghl_twilio_fixtures"]


@pytest.fixture
def control(vendor_server, ghl):
    base = f"{vendor_server.url}/ghl/_control"

    def call(method: str, path: str, body=None) -> requests.Response:
        return requests.request(method, base + path, json=body, timeout=10)
    return call


def test_a_contact_created_by_staff_is_visible_through_the_api(control, ghl_api):
    response = control("POST", "/contacts", {"firstName": "Staff", "email": "s@example.com"})
    assert response.status_code == 201
    contact_id = response.json()["record"]["id"]
    assert ghl_api.get(f"/contacts/{contact_id}").json()["contact"]["email"] == "s@example.com"


def test_a_staff_change_reports_its_events_and_what_our_server_answered(control, ghl, receiver):
    registered = control("POST", "/webhooks", {"url": receiver.url(), "signature": "rsa"})
    assert registered.json() == {"registered": receiver.url()}
    opportunity_id = next(o["id"] for o in ghl.state.opportunities.values()
                          if o["status"] == "open")
    body = control("PUT", f"/opportunities/{opportunity_id}", {"status": "won"}).json()
    assert body["events"] == ["OpportunityUpdate", "OpportunityStatusUpdate"]
    assert [d["status"] for d in body["deliveries"]] == [200, 200]
    assert all("x-wh-signature" in r.headers for r in receiver.wait_for(2))


def test_staff_can_create_an_opportunity_in_the_default_pipeline(control, ghl):
    contact_id = next(iter(ghl.state.contacts))
    body = control("POST", "/opportunities", {"contactId": contact_id, "name": "Walk-in",
                                              "notify": False}).json()
    assert body["record"]["pipelineId"] == "sbxPipelineSales000001"
    assert body["record"]["contact"]["id"] == contact_id


def test_deleting_an_unknown_contact_is_a_clear_400(control):
    response = control("DELETE", "/contacts/doesNotExist0000000001")
    assert response.status_code == 400
    assert "Contact not found" in response.json()["error"]


def test_send_webhook_over_http_returns_our_servers_status(control, receiver):
    receiver.status = 204
    response = control("POST", "/send-webhook", {
        "url": receiver.url(), "type": "ContactDndUpdate", "payload": {"id": "c1"},
        "signature": "both", "timestamp": "2026-01-02T03:04:05+00:00", "webhookId": "w1"})
    assert response.json() == {"status": 204}
    event = json.loads(receiver.wait_for(1)[0].body)
    assert (event["timestamp"], event["webhookId"]) == ("2026-01-02T03:04:05.000Z", "w1")


def test_send_webhook_to_nothing_listening_answers_502(control, receiver):
    url = receiver.url()
    receiver.server.stop()
    response = control("POST", "/send-webhook", {"url": url, "type": "ContactCreate"})
    assert response.status_code == 502


def test_options_set_the_rate_limit(control, ghl_api):
    control("POST", "/options", {"rate_limit_max": 7})
    response = ghl_api.get("/opportunities/pipelines", locationId=LOCATION)
    assert response.headers["X-RateLimit-Max"] == "7"


def test_an_unknown_option_is_a_clear_400(control):
    response = control("POST", "/options", {"burst": 7})
    assert response.status_code == 400
    assert "burst" in response.json()["error"]


def test_the_request_log_is_readable_and_clearable_over_http(control, ghl_api):
    ghl_api.get("/opportunities/pipelines", locationId=LOCATION)
    [entry] = control("GET", "/requests").json()["requests"]
    assert entry["path"] == "/opportunities/pipelines"
    control("DELETE", "/requests")
    assert control("GET", "/requests").json()["requests"] == []


def test_control_calls_are_neither_logged_nor_rate_limited(control, ghl):
    ghl.configure(rate_limit_max=1)
    for _ in range(3):
        assert control("GET", "/keys").status_code == 200
    assert ghl.requests() == []


def test_reset_over_http_drops_changes(control, ghl):
    control("POST", "/contacts", {"firstName": "Temp", "notify": False})
    control("POST", "/reset")
    assert len(ghl.state.contacts) == 300


def test_the_public_keys_are_served(control):
    keys = control("GET", "/keys").json()
    assert keys["ed25519"].startswith("-----BEGIN PUBLIC KEY-----")
    assert keys["rsa"].startswith("-----BEGIN PUBLIC KEY-----")


def test_a_control_body_that_is_not_an_object_is_a_clear_400(control):
    response = control("POST", "/contacts", [1, 2])
    assert response.status_code == 400
    assert "JSON object" in response.json()["error"]


def test_staff_cannot_store_a_field_ghl_does_not_have(control):
    response = control("POST", "/contacts", {"favouriteColour": "teal"})
    assert response.status_code == 422
    assert "favouriteColour" in response.json()["error"]


def test_an_option_of_the_wrong_type_is_a_clear_400(control):
    response = control("POST", "/options", {"rate_limit_max": "ten"})
    assert response.status_code == 400
    assert "rate_limit_max must be a int" in response.json()["error"]


def test_a_zero_rate_limit_is_refused_and_changes_nothing(control, ghl):
    response = control("POST", "/options", {"rate_limit_max": 0, "daily_limit": 5})
    assert response.status_code == 400
    assert (ghl.options.rate_limit_max, ghl.options.daily_limit) == (100, 200_000)


def test_an_unknown_control_endpoint_is_404(control):
    assert control("GET", "/nothing").status_code == 404
