"""Do-not-text and opt-outs hold whatever the spelling of the number (issue 11, item 2): the
ServiceTitan contact is written through the sync's own page writer, which stores the E.164
key every lookup compares."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from messaging.policy import check
from messaging.services import preferences
from servicetitan.changes import Announce
from servicetitan.resources import BY_NAME
from servicetitan.writer import write_page
from tests.phone_spellings import spelled_us_numbers

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)
# The fixtures' database is set up once; each example rolls its own writes back.
per_example = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def sync_contact(value: str, *, do_not_text: bool = True, contact_id: int = 4_000_001) -> None:
    """A ServiceTitan mobile contact holding ``value``, stored as the sync stores it."""
    record = {"id": contact_id, "customerId": 3_000_001, "type": "MobilePhone", "value": value,
              "phoneSettings": {"phoneNumber": value, "doNotText": do_not_text},
              "preferences": None, "active": True, "modifiedOn": "2026-06-01T00:00:00Z"}
    result = write_page(BY_NAME["customer_contacts"], [record], announce=Announce.NOTHING,
                        now=NOON)
    assert result.rejected == []


def verdict(phone: str, purpose: str = "transactional"):
    return check(phone=phone, customer_id=None, purpose=purpose, now=NOON)


@pytest.mark.parametrize("spelling", ["+1-407-555-0142", "407 555-0142", "(407) 555 0142",
                                      "1 (407) 555-0142", "407.555.0142", "4075550142"])
def test_a_do_not_text_contact_blocks_its_number_whatever_the_spelling(spelling):
    sync_contact(spelling)
    assert "do not text" in verdict("+14075550142").blocked


def test_a_contact_whose_value_is_an_email_address_has_no_phone_key():
    sync_contact("dana@example.com")
    assert verdict("+14075550142").allowed


@per_example
@given(number=spelled_us_numbers())
def test_for_any_valid_us_number_in_any_common_spelling_the_do_not_text_block_holds(number):
    e164, spelling = number
    with transaction.atomic():
        sync_contact(spelling)
        assert "do not text" in verdict(e164).blocked
        transaction.set_rollback(True)


@per_example
@given(number=spelled_us_numbers())
def test_for_any_valid_us_number_in_any_common_spelling_an_opt_out_holds(number):
    e164, spelling = number
    with transaction.atomic():
        preferences.opt_out(phone=spelling, source="staff", actor="dispatcher")
        assert "opted out" in verdict(e164, "marketing").blocked
        assert preferences.is_opted_out(spelling)
        transaction.set_rollback(True)


def test_a_contact_respelled_in_servicetitan_is_found_by_its_new_spelling():
    sync_contact("(407) 555-0100", do_not_text=True)
    sync_contact("407 555 0142", do_not_text=True)  # the same contact, its number retyped
    assert verdict("+14075550142").blocked
    assert verdict("+14075550100").allowed
