"""The contact frequency cap across all marketing: at most ``marketing_per_week`` marketing
texts to a number in any 7 days; the next one is deferred (not dropped) until the oldest
leaves the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from messaging import policy
from messaging.conf import messaging_conf
from messaging.models import Direction, Purpose, SmsMessage, SmsStatus
from messaging.services.due import send_due
from messaging.services.send import send_sms
from tests.messaging.conftest import CUSTOMER_PHONE, ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)        # 12:00 in Florida (EDT)


def sent_before(days: float, phone: str = CUSTOMER_PHONE, purpose: str = Purpose.MARKETING,
                status: str = SmsStatus.DELIVERED, at: datetime | None = None,
                **extra) -> SmsMessage:
    at = at or NOON - timedelta(days=days)
    return SmsMessage.objects.create(direction=Direction.OUTBOUND, phone=phone, to_number=phone,
                                     from_number="+15005550006", body="Spring tune-up",
                                     purpose=purpose, status=status, submitted_at=at, **extra)


def market(now: datetime = NOON, **kwargs) -> SmsMessage:
    return send_sms(**{"to": CUSTOMER_PHONE, "body": "20% off a tune-up this week",
                       "purpose": "marketing", "now": now, **kwargs})


@pytest.fixture(autouse=True)
def customer(db):
    customer = CustomerFactory()
    ContactFactory(customer_id=customer.id, value=CUSTOMER_PHONE)
    return customer


def test_a_fourth_marketing_text_in_seven_days_waits_for_the_oldest_to_leave(twilio):
    oldest = sent_before(6)
    sent_before(3)
    sent_before(1)
    message = market()
    assert message.status == SmsStatus.DEFERRED and twilio.messages() == []
    assert message.send_after == oldest.submitted_at + timedelta(days=7)
    assert message.error_message == ("frequency cap: 3 marketing texts to this number in the "
                                     "last 7 days")


def test_a_deferred_text_goes_when_its_time_comes_not_a_moment_later(twilio):
    sent_before(6)
    sent_before(3)
    sent_before(1)
    message = market()
    send_due(now=message.send_after)
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and len(twilio.messages()) == 1


def test_texts_older_than_seven_days_and_failed_ones_take_no_place(twilio):
    sent_before(7.5)
    sent_before(2, status=SmsStatus.FAILED)
    sent_before(2, status=SmsStatus.UNDELIVERED)
    sent_before(1)
    sent_before(1)
    assert market().status == SmsStatus.QUEUED


def test_transactional_texts_are_neither_capped_nor_counted(twilio):
    for days in (1, 2, 3):
        sent_before(days, purpose=Purpose.TRANSACTIONAL)
    sent_before(1)
    sent_before(1)
    assert market().status == SmsStatus.QUEUED
    for days in (1, 2):
        sent_before(days)
    assert send_sms(to=CUSTOMER_PHONE, body="Your technician is on the way",
                    purpose="transactional", now=NOON).status == SmsStatus.QUEUED


def test_the_cap_counts_the_number_whichever_customer_the_texts_were_for(twilio):
    sent_before(1, customer_id=1)
    sent_before(2, customer_id=2)
    sent_before(3, customer_id=3)
    assert market().status == SmsStatus.DEFERRED


def test_a_cap_freed_at_night_waits_for_the_recipients_morning(twilio):
    # The oldest text leaves the window at 02:00 in Florida (06:00 UTC on the 11th): the
    # text goes at 08:00 there.
    sent_before(0, at=datetime(2026, 6, 4, 6, 0, tzinfo=UTC))
    sent_before(1)
    sent_before(1)
    assert market().send_after == datetime(2026, 6, 11, 12, 0, tzinfo=UTC)


def test_the_cap_is_checked_again_under_the_send_lock(twilio):
    for days in (1, 2, 3):
        sent_before(days)
    with mock.patch.object(policy, "check", return_value=policy.Verdict()):
        message = market()
    assert message.status == SmsStatus.DEFERRED and twilio.messages() == []
    assert message.error_message.startswith("frequency cap")


def test_a_cap_of_zero_is_no_cap(twilio, settings):
    settings.MESSAGING = {"marketing_per_week": 0}
    for days in (1, 2, 3, 4):
        sent_before(days)
    assert market().status == SmsStatus.QUEUED


def test_the_cap_follows_the_setting(twilio, settings):
    settings.MESSAGING = {"marketing_per_week": 1}
    sent_before(5)
    assert market().status == SmsStatus.DEFERRED


@pytest.mark.parametrize("bad", [-1, True, 2.5, "3"])
def test_a_cap_that_is_not_a_whole_number_stops_the_service(settings, bad):
    settings.MESSAGING = {"marketing_per_week": bad}
    with pytest.raises(ImproperlyConfigured, match="marketing_per_week"):
        messaging_conf()
