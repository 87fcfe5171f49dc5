"""Who may be texted: our opt-outs plus ServiceTitan's own flags, and quiet hours."""

from datetime import UTC, datetime

import pytest

from messaging.policy import check
from messaging.services import preferences
from tests.messaging.conftest import (
    CUSTOMER_PHONE,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)
NIGHT = datetime(2026, 6, 11, 2, 30, tzinfo=UTC)   # 22:30 Eastern, 19:30 Pacific


def verdict(purpose="marketing", now=NOON, customer_id=None):
    return check(phone=CUSTOMER_PHONE, customer_id=customer_id, purpose=purpose, now=now)


def test_a_known_subscribed_number_may_be_texted_in_the_daytime():
    ContactFactory()
    assert verdict().allowed


def test_an_opted_out_number_is_blocked_for_every_purpose():
    preferences.opt_out(phone=CUSTOMER_PHONE, source="ghl", actor="ghl")
    assert "opted out" in verdict("transactional").blocked


def test_the_do_not_text_setting_in_the_raw_contact_blocks():
    ContactFactory(raw={"phoneSettings": {"doNotText": True}})
    assert "do not text" in verdict("transactional").blocked


def test_do_not_service_blocks_every_text():
    customer = CustomerFactory(do_not_service=True)
    ContactFactory(customer_id=customer.id)
    assert "do not service" in verdict("transactional").blocked


def test_do_not_mail_blocks_marketing_only():
    customer = CustomerFactory(do_not_mail=True)
    ContactFactory(customer_id=customer.id)
    assert "do not mail" in verdict("marketing").blocked
    assert verdict("transactional").allowed


def test_marketing_updates_off_blocks_marketing_but_not_reminders():
    ContactFactory(raw={"preferences": {"marketingUpdatesEnabled": False,
                                        "jobRemindersEnabled": True}})
    assert "marketingUpdatesEnabled" in verdict("marketing").blocked
    assert verdict("transactional").allowed


def test_job_reminders_off_blocks_transactional_texts():
    ContactFactory(raw={"preferences": {"jobRemindersEnabled": False}})
    assert "jobRemindersEnabled" in verdict("transactional").blocked


def test_a_customer_given_by_the_caller_is_checked_too():
    customer = CustomerFactory(do_not_service=True)
    assert verdict(customer_id=customer.id).blocked


def test_the_recipients_service_location_sets_their_time_zone():
    customer = CustomerFactory(state="FL")  # billing address in Florida
    ContactFactory(customer_id=customer.id)
    LocationFactory(customer_id=customer.id, state="WA")  # the house is in Washington
    assert verdict(now=NIGHT).allowed


def test_without_a_location_the_numbers_area_code_places_the_recipient(settings):
    settings.BUSINESS_TIME_ZONE = "America/Los_Angeles"  # not used: 407 is Orlando
    assert verdict(now=NIGHT).defer_until == datetime(2026, 6, 11, 12, 0, tzinfo=UTC)


def test_a_los_angeles_number_nobody_knows_gets_no_marketing_text_at_ten_in_new_york(
        settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    ten_in_new_york = datetime(2026, 6, 10, 14, 0, tzinfo=UTC)  # 7:00 in Los Angeles
    later = check(phone="+13105550142", customer_id=None, purpose="marketing",
                  now=ten_in_new_york).defer_until
    assert later == datetime(2026, 6, 10, 15, 0, tzinfo=UTC)  # 8:00 in Los Angeles


def test_a_known_customer_without_a_state_is_placed_by_their_numbers_area_code(settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    customer = CustomerFactory(state="")
    ContactFactory(customer_id=customer.id, value="+13105550142")
    assert check(phone="+13105550142", customer_id=customer.id, purpose="marketing",
                 now=datetime(2026, 6, 10, 14, 0, tzinfo=UTC)).defer_until is not None
