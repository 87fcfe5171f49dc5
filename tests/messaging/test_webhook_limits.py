"""The Twilio webhooks' rate limit counts refusals only: Twilio does not retry a 429, so a
signed request is never turned away for being one of many."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from messaging.models import SmsMessage
from tests.messaging.conftest import inbound_params, signed_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("still_clock")]


def post_webhook(client):
    return client.post("/webhooks/twilio/sms/", data="Body=hi",
                       content_type="application/x-www-form-urlencoded")


def test_signed_twilio_requests_are_never_limited_only_refusals_are(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "2/m"}
    texts = [signed_post(client, "/webhooks/twilio/sms/",
                         inbound_params(f"Reply {n}", sid=f"SM{n:032x}")).status_code
             for n in range(5)]
    refused = [post_webhook(client).status_code for _ in range(3)]
    assert texts == [200] * 5 and SmsMessage.objects.count() == 5
    assert refused[:2] == [403, 403] and refused[2] == 429


def test_once_the_refusal_budget_is_spent_even_a_signed_request_waits(client, settings):
    """The address is blocked before its request is read: what blocks it is a flood of
    refusals, and a genuine text from it later in the window gets 429 (Twilio then logs it)."""
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "1/m"}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert post_webhook(client).status_code == 403
        blocked = signed_post(client, "/webhooks/twilio/sms/", inbound_params("Hi"))
        clock.shift(timedelta(seconds=61))
        later = signed_post(client, "/webhooks/twilio/sms/", inbound_params("Hi"))
    assert blocked.status_code == 429 and later.status_code == 200


def test_the_status_callback_counts_refusals_the_same_way(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "1/m"}
    first = client.post("/webhooks/twilio/status/", data="MessageStatus=sent",
                        content_type="application/x-www-form-urlencoded")
    second = client.post("/webhooks/twilio/status/", data="MessageStatus=sent",
                         content_type="application/x-www-form-urlencoded")
    assert first.status_code == 403 and second.status_code == 429
