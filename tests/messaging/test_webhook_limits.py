"""The Twilio webhooks' rate limit counts refusals only: Twilio does not retry a 429, so a
correctly signed request is never turned away — not for being one of many, and not for
coming from an address whose refusal budget someone else spent."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.utils import timezone

from messaging.models import SmsMessage, SmsStatusCallback
from messaging.policy import is_opted_out
from tests.messaging.conftest import (
    CUSTOMER_PHONE,
    PUBLIC,
    inbound_params,
    sign,
    signed_post,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("still_clock")]
SMS, STATUS = "/webhooks/twilio/sms/", "/webhooks/twilio/status/"


def post_webhook(client):
    return client.post(SMS, data="Body=hi", content_type="application/x-www-form-urlencoded")


def wrongly_signed(client, path: str):
    """A well-formed request signed with another account's auth token."""
    params = inbound_params("Hi", sid="SM" + "c3" * 16)
    return client.post(path, data=urlencode(params),
                       content_type="application/x-www-form-urlencoded",
                       HTTP_X_TWILIO_SIGNATURE=sign(PUBLIC + path, params, token="f" * 32))


def test_signed_twilio_requests_are_never_limited_only_refusals_are(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "2/m"}
    texts = [signed_post(client, "/webhooks/twilio/sms/",
                         inbound_params(f"Reply {n}", sid=f"SM{n:032x}")).status_code
             for n in range(5)]
    refused = [post_webhook(client).status_code for _ in range(3)]
    assert texts == [200] * 5 and SmsMessage.objects.count() == 5
    assert refused[:2] == [403, 403] and refused[2] == 429


def test_a_signed_stop_from_an_address_that_spent_its_budget_still_opts_the_number_out(
        client):
    """Twilio posts every account's webhooks from shared addresses: someone pointing their own
    Twilio number at us can spend an address's refusal budget, and must not get our
    customers' STOPs dropped (Twilio does not retry a 429)."""
    forged = [wrongly_signed(client, SMS).status_code for _ in range(150)]
    stop = signed_post(client, SMS, inbound_params("STOP"))
    assert 429 in forged
    assert stop.status_code == 200 and is_opted_out(CUSTOMER_PHONE)


def test_a_spent_address_still_gets_429_for_what_it_cannot_sign(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "1/m"}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert wrongly_signed(client, SMS).status_code == 403
        signed = signed_post(client, SMS, inbound_params("Hi"))
        blocked = wrongly_signed(client, SMS)
        clock.shift(timedelta(seconds=61))
        later = wrongly_signed(client, SMS)
    assert signed.status_code == 200 and SmsMessage.objects.count() == 1
    assert blocked.status_code == 429 and blocked["Retry-After"] == "60"
    assert later.status_code == 403


def test_a_signed_status_callback_from_a_spent_address_is_recorded(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "1/m"}
    assert [wrongly_signed(client, STATUS).status_code for _ in range(2)] == [403, 429]
    response = signed_post(client, STATUS, {"MessageSid": "SM" + "b2" * 16,
                                            "MessageStatus": "delivered"})
    assert response.status_code == 204 and SmsStatusCallback.objects.count() == 1


def test_the_status_callback_counts_refusals_the_same_way(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "1/m"}
    first = client.post("/webhooks/twilio/status/", data="MessageStatus=sent",
                        content_type="application/x-www-form-urlencoded")
    second = client.post("/webhooks/twilio/status/", data="MessageStatus=sent",
                         content_type="application/x-www-form-urlencoded")
    assert first.status_code == 403 and second.status_code == 429
