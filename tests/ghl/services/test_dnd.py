"""SMS DND mirrored both ways: GHL webhooks opt phones out here, opt-outs here reach GHL."""

import pytest
from django_q.conf import Conf

from ghl.models import GHLContact
from ghl.services import dnd
from ghl.services.sync import sync
from messaging.models import CommunicationPreference
from messaging.services import preferences
from sandbox.ghl.webhooks import contact_payload
from tests.ghl.conftest import api_requests, post_webhook, webhook_body

pytestmark = pytest.mark.django_db
PHONE = "+14075550199"


@pytest.fixture
def q_sync(monkeypatch):
    """django-q2 runs queued tasks at once, in this process (its own ``sync`` mode)."""
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def contact(ghl):
    """A GHL contact (made by GHL staff) with PHONE and SMS DND off."""
    return ghl.create_contact(notify=False, firstName="Zoë", lastName="García",
                              phone=PHONE).record


def dnd_event(contact: dict, sms: str, dnd_all: bool = False) -> bytes:
    """A ContactDndUpdate for ``contact`` as GHL words it (the webhook's contact fields)."""
    settings = {channel: {"status": "inactive"} for channel in ("Call", "Email", "GMB", "FB")}
    settings["SMS"] = {"status": sms, "message": "", "code": ""}
    record = {**contact, "dnd": dnd_all, "dndSettings": settings}
    return webhook_body("ContactDndUpdate", contact_payload(record, "ContactDndUpdate"))


def preference() -> CommunicationPreference | None:
    return CommunicationPreference.objects.filter(phone=PHONE).first()


def test_sms_dnd_turned_on_in_ghl_opts_the_phone_out_here(client, ghl, contact,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, dnd_event(contact, "active")).status_code == 200
    assert (preference().sms_opted_out, preference().opt_out_source) == (True, "ghl")
    assert api_requests(ghl, "PUT") == []  # GHL's own change is not echoed back


def test_dnd_on_every_channel_opts_the_phone_out_too(client, contact):
    post_webhook(client, dnd_event(contact, "inactive", dnd_all=True))
    assert preference().sms_opted_out


def test_dnd_cleared_in_ghl_opts_back_in_what_ghl_opted_out(client, contact):
    post_webhook(client, dnd_event(contact, "active"))
    post_webhook(client, dnd_event(contact, "inactive"))
    assert not preference().sms_opted_out


def test_dnd_cleared_in_ghl_does_not_undo_a_stop_texted_to_us(client, contact):
    preferences.opt_out(phone=PHONE, source="keyword", actor="twilio")
    post_webhook(client, dnd_event(contact, "active"))
    post_webhook(client, dnd_event(contact, "inactive"))
    assert preference().sms_opted_out and preference().opt_out_source == "keyword"


def test_an_opt_out_here_sets_sms_dnd_on_the_ghl_contact(ghl, contact, q_sync,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        preferences.opt_out(phone=PHONE, source="keyword", actor="twilio")
    assert ghl.state.contacts[contact["id"]]["dndSettings"]["SMS"]["status"] == "active"
    [put] = api_requests(ghl, "PUT", "/contacts/")
    assert put["headers"]["version"] == "2021-07-28"
    assert GHLContact.objects.get(id=contact["id"]).sms_dnd is True


def test_an_opt_in_here_clears_it(ghl, contact, q_sync, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        preferences.opt_out(phone=PHONE, source="staff", actor="dispatcher")
        preferences.opt_in(phone=PHONE, source="keyword", actor="twilio")
    assert ghl.state.contacts[contact["id"]]["dndSettings"]["SMS"]["status"] == "inactive"


def test_the_mirror_is_used_when_it_knows_the_contact(ghl, ghl_client, contact):
    sync(["contacts"], client=ghl_client)
    ghl.log.clear()
    assert dnd.set_sms_dnd(PHONE, True, ghl_client) == [contact["id"]]
    assert api_requests(ghl, "POST", "/contacts/search") == []


def test_a_phone_ghl_does_not_know_changes_nothing_there(ghl, ghl_client):
    assert dnd.set_sms_dnd("+14075550000", True, ghl_client) == []
    assert api_requests(ghl, "PUT") == []


def test_reconcile_sends_what_the_hook_missed_once(ghl, ghl_client, contact):
    preferences.opt_out(phone=PHONE, source="staff", actor="dispatcher")  # hook never ran
    assert dnd.reconcile(ghl_client) == 1
    assert ghl.state.contacts[contact["id"]]["dndSettings"]["SMS"]["status"] == "active"
    assert dnd.reconcile(ghl_client) == 0


def test_reconcile_leaves_opt_outs_that_came_from_ghl_alone(client, ghl, ghl_client, contact):
    post_webhook(client, dnd_event(contact, "active"))
    ghl.log.clear()
    assert dnd.reconcile(ghl_client) == 0 and api_requests(ghl, "PUT") == []
