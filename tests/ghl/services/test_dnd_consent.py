"""GHL do-not-disturb holds even when its webhook never arrives (issue 11, item 4): DND the
sync learns becomes an opt-out here, and a late task never clears DND in GHL for a number
that is opted out now."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from ghl import tasks
from ghl.models import GHLContact
from ghl.services import dnd, mirror
from ghl.services.sync import sync
from messaging.models import CommunicationPreference
from messaging.policy import check
from messaging.services import preferences

pytestmark = pytest.mark.django_db
PHONE = "+14075550199"
NOON = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)


def blocked(phone: str = PHONE) -> str:
    return check(phone=phone, customer_id=None, purpose="transactional", now=NOON).blocked


def test_dnd_learnt_through_the_sync_blocks_texts_to_that_number(ghl, ghl_client):
    ghl.create_contact(notify=False, firstName="Zoë", phone=PHONE, dnd=True)  # no webhook
    sync(["contacts"], client=ghl_client)
    assert "opted out" in blocked()
    assert CommunicationPreference.objects.get(phone=PHONE).opt_out_source == "ghl"


def test_sms_dnd_in_a_contact_the_sync_reads_blocks_texts_whatever_its_spelling():
    record = {"id": "c-dnd", "phone": "(407) 555-0199", "dnd": False,
              "dndSettings": {"SMS": {"status": "active"}},
              "dateUpdated": "2026-06-01T10:00:00.000Z"}
    mirror.write_contacts([record], timezone.now())
    assert GHLContact.objects.get(id="c-dnd").phone_e164 == PHONE
    assert "opted out" in blocked()


def test_a_contact_without_dnd_blocks_nothing(ghl, ghl_client):
    ghl.create_contact(notify=False, firstName="Zoë", phone=PHONE)
    sync(["contacts"], client=ghl_client)
    assert blocked() == ""


def test_a_dnd_contact_mirrored_before_this_rule_is_opted_out_by_the_reconciliation():
    GHLContact.objects.create(id="c-old", phone=PHONE, phone_e164=PHONE, dnd=True,
                              synced_at=timezone.now())
    assert dnd.adopt_ghl_dnd() == 1
    assert "opted out" in blocked()


def test_a_number_staff_opted_back_in_stays_in_although_its_ghl_contact_has_dnd():
    preferences.opt_out(phone=PHONE, source="staff", actor="dispatcher")
    preferences.opt_in(phone=PHONE, source="staff", actor="dispatcher", reason="asked by phone")
    GHLContact.objects.create(id="c-old", phone=PHONE, phone_e164=PHONE, dnd=True,
                              synced_at=timezone.now())
    assert dnd.adopt_ghl_dnd() == 0
    assert blocked() == ""


def test_an_old_mirror_task_never_clears_dnd_for_a_number_opted_out_now(ghl, ghl_client):
    contact = ghl.create_contact(notify=False, firstName="Zoë", phone=PHONE).record
    sync(["contacts"], client=ghl_client)
    preferences.opt_out(phone=PHONE, source="keyword", actor="twilio")
    tasks.mirror_sms_preference(PHONE, False)  # queued by an opt-in long before this STOP
    assert ghl.state.contacts[contact["id"]]["dndSettings"]["SMS"]["status"] == "active"
