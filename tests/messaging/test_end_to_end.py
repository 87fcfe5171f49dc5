"""The whole loop over real HTTP: our service → the Twilio sandbox → our live webhooks
(``live_server``), signed by the sandbox exactly as Twilio signs."""

import pytest

from messaging.models import SmsMessage
from messaging.services import preferences
from messaging.services.send import send_sms
from tests.messaging.conftest import CUSTOMER_PHONE, OUR_NUMBER

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(live_server, settings, twilio):
    settings.PUBLIC_BASE_URL = live_server.url
    return live_server


def test_status_callbacks_from_the_sandbox_reach_delivered(live, twilio):
    message = send_sms(to=CUSTOMER_PHONE, body="Your tech is on the way", purpose="transactional")
    results = twilio.flush_callbacks()
    assert [r["http_status"] for r in results] == [204, 204]
    message.refresh_from_db()
    assert message.status == "delivered" and message.sent_at and message.delivered_at


def test_an_undeliverable_text_records_the_carrier_error(live, twilio):
    message = send_sms(to="+15005550010", body="Hi", purpose="transactional")
    twilio.flush_callbacks()
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("undelivered", 30003)


def test_a_stop_sent_through_the_sandbox_opts_out_and_is_answered(live, twilio):
    delivery = twilio.send_inbound(live.url + "/webhooks/twilio/sms/", CUSTOMER_PHONE,
                                   OUR_NUMBER, "STOP")
    assert delivery.status == 200 and "unsubscribed" in delivery.text()
    assert preferences.is_opted_out(CUSTOMER_PHONE)
    assert CUSTOMER_PHONE in twilio.opted_out()  # Twilio's side agrees


def test_behind_a_tls_proxy_the_public_url_signature_is_accepted(live, twilio, settings):
    settings.PUBLIC_BASE_URL = "https://pc.example.com"
    twilio.configure(routes={"https://pc.example.com": live.url})
    delivery = twilio.send_inbound("https://pc.example.com/webhooks/twilio/sms/",
                                   CUSTOMER_PHONE, OUR_NUMBER, "Running late, 10 min")
    assert delivery.status == 200
    assert SmsMessage.objects.get().body == "Running late, 10 min"


def test_a_request_signed_for_another_host_is_refused(live, twilio, settings):
    settings.PUBLIC_BASE_URL = "https://pc.example.com"
    delivery = twilio.send_inbound(live.url + "/webhooks/twilio/sms/", CUSTOMER_PHONE,
                                   OUR_NUMBER, "STOP")
    assert delivery.status == 403 and not SmsMessage.objects.exists()
