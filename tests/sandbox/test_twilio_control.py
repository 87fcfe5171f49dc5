"""What the Twilio sandbox posts to our webhooks: inbound messages, opt-out keywords, status
callbacks, all signed as Twilio signs."""

from urllib.parse import parse_qsl

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from sandbox.credentials import SANDBOX_TWILIO_AUTH_TOKEN, SANDBOX_TWILIO_FROM_NUMBER
from sandbox.twilio.messages import LANDLINE_NUMBER, UNREACHABLE_NUMBER

pytest_plugins = ["tests.sandbox.ghl_twilio_fixtures"]

CUSTOMER = "+14075550142"
validator = RequestValidator(SANDBOX_TWILIO_AUTH_TOKEN)


def form(request) -> dict[str, str]:
    return dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))


def signed_for(url: str, request) -> bool:
    return validator.validate(url, form(request), request.headers["x-twilio-signature"])


def send(client, to=CUSTOMER, **kwargs):
    return client.messages.create(to=to, from_=SANDBOX_TWILIO_FROM_NUMBER, body="Hello",
                                  **kwargs)


def test_an_inbound_message_carries_twilios_parameters_signed(twilio, receiver):
    twilio.send_inbound(receiver.url("/sms/"), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "Yes!")
    [request] = receiver.wait_for(1)
    params = form(request)
    assert signed_for(receiver.url("/sms/"), request)
    assert (params["From"], params["To"], params["Body"]) == (CUSTOMER,
                                                              SANDBOX_TWILIO_FROM_NUMBER, "Yes!")
    assert params["MessageSid"].startswith("SM") and len(params["MessageSid"]) == 34
    assert {"AccountSid", "NumMedia", "NumSegments", "FromCity", "ApiVersion"} <= set(params)
    assert "MessagingServiceSid" not in params


def test_send_inbound_returns_what_our_server_answered(twilio, receiver):
    receiver.status, receiver.body = 200, "<Response><Message>Thanks</Message></Response>"
    delivery = twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "Hi")
    assert (delivery.status, delivery.text()) == (200, receiver.body)


def test_extra_parameters_are_added_to_the_inbound(twilio, receiver):
    twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "Look",
                        NumMedia="1", MediaUrl0="https://example.com/a.jpg")
    params = form(receiver.wait_for(1)[0])
    assert (params["NumMedia"], params["MediaUrl0"]) == ("1", "https://example.com/a.jpg")


def test_an_inbound_can_be_signed_for_the_public_url_behind_a_proxy(twilio, receiver):
    public = "https://pc.example.com/webhooks/twilio/sms/"
    twilio.send_inbound(receiver.url("/webhooks/twilio/sms/"), CUSTOMER,
                        SANDBOX_TWILIO_FROM_NUMBER, "Hi", public_url=public)
    [request] = receiver.wait_for(1)
    assert request.path == "/webhooks/twilio/sms/"
    assert signed_for(public, request)
    assert not signed_for(receiver.url("/webhooks/twilio/sms/"), request)


def test_stop_opts_the_number_out_so_the_next_send_gets_21610(twilio, twilio_client, receiver):
    twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, " Stop ")
    with pytest.raises(TwilioRestException) as error:
        send(twilio_client)
    assert error.value.code == 21610
    assert twilio.opted_out() == [CUSTOMER]


def test_start_opts_the_number_back_in(twilio, twilio_client, receiver):
    twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "STOP")
    twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "start")
    assert send(twilio_client).status == "queued"
    assert twilio.opted_out() == []


def test_stop_inside_a_sentence_is_not_a_keyword(twilio, receiver):
    twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "please stop")
    assert twilio.opted_out() == []


def test_an_opt_out_holds_even_when_our_server_fails(twilio, receiver):
    receiver.status = 500
    twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "UNSUBSCRIBE")
    assert twilio.opted_out() == [CUSTOMER]


def test_advanced_opt_out_adds_the_opt_out_type(twilio, receiver):
    twilio.configure(advanced_opt_out=True, inbound_via_messaging_service=True)
    twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "stop")
    params = form(receiver.wait_for(1)[0])
    assert params["OptOutType"] == "STOP"
    assert params["MessagingServiceSid"] == twilio.options.messaging_service_sid


def test_status_callbacks_arrive_sent_then_delivered_each_signed(twilio, twilio_client,
                                                                  receiver):
    url = receiver.url("/status/")
    sid = send(twilio_client, status_callback=url).sid
    results = twilio.flush_callbacks()
    requests_ = receiver.wait_for(2)
    assert [form(r)["MessageStatus"] for r in requests_] == ["sent", "delivered"]
    assert all(signed_for(url, r) and form(r)["MessageSid"] == sid for r in requests_)
    assert [r["http_status"] for r in results] == [200, 200]
    assert twilio_client.messages(sid).fetch().status == "delivered"


def test_an_unreachable_number_ends_undelivered_with_30003(twilio, twilio_client, receiver):
    send(twilio_client, to=UNREACHABLE_NUMBER, status_callback=receiver.url())
    twilio.flush_callbacks()
    last = form(receiver.wait_for(2)[1])
    assert (last["MessageStatus"], last["ErrorCode"]) == ("undelivered", "30003")


def test_a_landline_fails_with_30006(twilio, twilio_client, receiver):
    send(twilio_client, to=LANDLINE_NUMBER, status_callback=receiver.url())
    twilio.flush_callbacks()
    [only] = receiver.wait_for(1)
    assert (form(only)["MessageStatus"], form(only)["ErrorCode"]) == ("failed", "30006")


def test_without_a_status_callback_nothing_is_posted(twilio, twilio_client, receiver):
    send(twilio_client)
    assert twilio.flush_callbacks() == []


def test_auto_callbacks_post_from_the_background_in_order(twilio, twilio_client, receiver):
    twilio.configure(auto_callbacks=True)
    first = send(twilio_client, status_callback=receiver.url()).sid
    second = send(twilio_client, status_callback=receiver.url()).sid
    assert twilio.wait_for_callbacks()
    seen = [(form(r)["MessageSid"], form(r)["MessageStatus"]) for r in receiver.wait_for(4)]
    assert seen == [(first, "sent"), (first, "delivered"), (second, "sent"),
                    (second, "delivered")]


def test_routes_deliver_callbacks_to_loopback_signed_for_the_public_url(twilio, twilio_client,
                                                                         receiver):
    public = "https://pc.example.com"
    twilio.configure(routes={public: receiver.url("")})
    send(twilio_client, status_callback=f"{public}/webhooks/twilio/status/")
    twilio.flush_callbacks()
    request = receiver.wait_for(1)[0]
    assert request.path == "/webhooks/twilio/status/"
    assert signed_for(f"{public}/webhooks/twilio/status/", request)


def test_send_status_posts_one_callback_and_updates_the_message(twilio, twilio_client,
                                                                receiver):
    sid = send(twilio_client).sid
    twilio.send_status(receiver.url(), sid, "failed", error_code=30007)
    params = form(receiver.wait_for(1)[0])
    assert (params["MessageStatus"], params["ErrorCode"], params["To"]) == ("failed", "30007",
                                                                            CUSTOMER)
    assert twilio_client.messages(sid).fetch().error_code == 30007


def test_reset_forgets_messages_and_opt_outs(twilio, twilio_client, receiver):
    send(twilio_client)
    twilio.send_inbound(receiver.url(), CUSTOMER, SANDBOX_TWILIO_FROM_NUMBER, "STOP")
    twilio.reset()
    assert (twilio.messages(), twilio.opted_out()) == ([], [])


@pytest.fixture
def control(vendor_server, twilio):
    base = f"{vendor_server.url}/twilio/_control"

    def call(method: str, path: str, body=None) -> requests.Response:
        return requests.request(method, base + path, json=body, timeout=10)
    return call


def test_an_inbound_over_http_returns_our_servers_answer(control, receiver):
    response = control("POST", "/inbound", {"url": receiver.url(), "from": CUSTOMER,
                                            "to": SANDBOX_TWILIO_FROM_NUMBER, "body": "STOP"})
    assert response.json() == {"status": 200, "body": "<Response/>"}
    assert control("GET", "/opt-outs").json() == {"numbers": [CUSTOMER]}


def test_callbacks_can_be_flushed_over_http(control, twilio_client, receiver):
    send(twilio_client, status_callback=receiver.url())
    callbacks = control("POST", "/flush-callbacks").json()["callbacks"]
    assert [c["status"] for c in callbacks] == ["sent", "delivered"]
    assert [m["status"] for m in control("GET", "/messages").json()["messages"]] == ["delivered"]


def test_a_control_request_missing_a_field_is_a_clear_400(control):
    response = control("POST", "/inbound", {"from": CUSTOMER})
    assert response.status_code == 400
    assert "url" in response.json()["error"]


def test_a_control_body_that_is_not_an_object_is_a_clear_400(control):
    response = control("POST", "/inbound", [1])
    assert response.status_code == 400
    assert "JSON object" in response.json()["error"]


def test_routes_of_the_wrong_shape_are_refused(twilio):
    with pytest.raises(ValueError, match="routes"):
        twilio.configure(routes="https://pc.example.com")


def test_an_unknown_option_is_refused(twilio):
    with pytest.raises(ValueError, match="auto_callback"):
        twilio.configure(auto_callback=True)


def test_an_unknown_control_endpoint_is_404(control):
    assert control("GET", "/nothing").status_code == 404
