"""GHL as the reps' inbox, end to end against the sandboxes: texts in and out copied into the
contact's GHL conversation through the outbox, a rep's reply typed "in GHL" arriving at the
provider webhook (signed by the GHL sandbox, over real HTTP) and going out through the Twilio
sandbox under our rules, and GHL being down for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ghl.models import ConversationOutbox
from ghl.services import outbox
from messaging.models import Conversation, SmsMessage
from messaging.services import conversations, preferences
from messaging.services.send import send_sms
from tests.messaging.conftest import PUBLIC, inbound_params, signed_post

PHONE = "+14075550177"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def texting(settings, sandbox):
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.MESSAGING = {"sends_per_second": 1000.0}
    settings.GHL_CONVERSATIONS = True
    return settings


@pytest.fixture
def contact(ghl) -> str:
    return ghl.create_contact(notify=False, firstName="Dana", phone=PHONE).record["id"]


def text_in(client, body: str, sid: str = "SM" + "e5" * 16):
    response = signed_post(client, "/webhooks/twilio/sms/",
                           inbound_params(body, sid=sid, from_=PHONE))
    assert response.status_code == 200
    return response


def run_outbox() -> outbox.Drained:
    outbox.collect()
    return outbox.drain()


def thread(ghl, contact_id: str) -> list[tuple[str, str]]:
    return [(m["direction"], m["body"]) for m in ghl.conversation_messages(contact_id)]


def test_a_customers_text_is_added_to_their_ghl_conversation(client, ghl, contact):
    text_in(client, "Is Tuesday still on?")
    assert run_outbox().done == 1
    assert thread(ghl, contact) == [("inbound", "Is Tuesday still on?")]
    assert ConversationOutbox.objects.get().ghl_message_id


def test_a_number_ghl_does_not_know_gets_a_contact_and_a_conversation(client, ghl):
    text_in(client, "Hello?")
    run_outbox()
    [made] = [c for c in ghl.state.contacts.values() if c.get("phone") == PHONE]
    assert thread(ghl, made["id"]) == [("inbound", "Hello?")]


def test_stop_is_forwarded_with_what_it_did(client, ghl, contact):
    text_in(client, "STOP")
    run_outbox()
    [(direction, body)] = thread(ghl, contact)
    assert direction == "inbound" and body.startswith("STOP") and "opted out of texts" in body


def test_our_texts_show_in_the_thread_too(ghl, contact, twilio_sandbox):
    send_sms(to=PHONE, body="Your technician is on the way", purpose="transactional")
    run_outbox()
    assert thread(ghl, contact) == [("outbound", "Your technician is on the way")]


def test_the_outbox_makes_each_row_once(client, ghl, contact):
    text_in(client, "One")
    assert outbox.collect() == 1
    assert outbox.collect() == 0
    run_outbox()
    run_outbox()
    assert thread(ghl, contact) == [("inbound", "One")]


def test_ghl_down_then_back_loses_and_duplicates_nothing(client, ghl, contact, sandbox):
    sandbox.app.faults.add(vendor="ghl", path_contains="/conversations", status=503,
                           times=None)
    text_in(client, "First")
    text_in(client, "Second", sid="SM" + "f6" * 16)
    drained = run_outbox()
    assert (drained.done, drained.retrying) == (0, 2)
    assert set(ConversationOutbox.objects.values_list("state", flat=True)) == {"pending"}
    assert all(o.next_attempt_at > timezone.now() for o in ConversationOutbox.objects.all())
    sandbox.app.faults.clear()
    assert outbox.drain().done == 0  # not due yet: backing off
    ConversationOutbox.objects.update(next_attempt_at=timezone.now())
    assert outbox.drain().done == 2
    assert outbox.drain(now=timezone.now() + timedelta(hours=1)).done == 0
    assert thread(ghl, contact) == [("inbound", "First"), ("inbound", "Second")]


def test_after_an_unknown_outcome_the_message_already_in_ghl_is_adopted(client, ghl, contact):
    text_in(client, "Did you get this?")
    outbox.collect()
    item = ConversationOutbox.objects.get()
    outbox.drain()  # reached GHL; pretend the answer was lost
    ConversationOutbox.objects.filter(pk=item.pk).update(
        state="pending", next_attempt_at=timezone.now(), ghl_message_id="",
        last_error=outbox.UNKNOWN_MARK + "GHL POST /conversations/messages/inbound: no answer")
    assert outbox.drain().done == 1
    assert thread(ghl, contact) == [("inbound", "Did you get this?")]


def test_a_permanent_refusal_is_given_up_where_staff_see_it(client, ghl, contact, sandbox):
    sandbox.app.faults.add(vendor="ghl", path_contains="/conversations/messages",
                           status=422, times=1)
    text_in(client, "Hi")
    assert run_outbox().gave_up == 1
    item = ConversationOutbox.objects.get()
    assert item.state == "gave_up" and "422" in item.last_error
    assert tiles()["texts GHL gave up on"] == 1
    assert outbox.requeue([item.pk]) == 1
    assert outbox.drain().done == 1
    assert tiles()["texts GHL gave up on"] == 0


def tiles() -> dict:
    from ghl.dashboard import ghl_panel

    return {tile.label: tile.value for tile in ghl_panel(None)["tiles"]}


def customer_texted(body: str = "Can you come Tuesday?") -> SmsMessage:
    return SmsMessage.objects.create(direction="inbound", sid="SM" + "b7" * 16, phone=PHONE,
                                     from_number=PHONE, to_number="+15005550006", body=body,
                                     status="received", received_at=timezone.now())


@pytest.fixture
def twilio_sandbox(sandbox):
    return sandbox.vendor("twilio")


@pytest.mark.django_db(transaction=True)
class TestRepRepliesFromGHL:
    @pytest.fixture(autouse=True)
    def live(self, live_server, settings, ghl):
        settings.PUBLIC_BASE_URL = live_server.url
        ghl.configure(provider_url=live_server.url + "/webhooks/ghl/provider/")
        return live_server

    def test_a_reps_reply_goes_out_through_twilio_and_delivery_reaches_ghl(
            self, ghl, contact, twilio_sandbox):
        customer_texted()
        result = ghl.rep_replies(contact, "Yes, Tuesday 9am works", user_id="usr1")
        assert result["status"] == 200
        [sent] = twilio_sandbox.messages()
        assert (sent["to"], sent["body"]) == (PHONE, "Yes, Tuesday 9am works")
        message = SmsMessage.objects.get(direction="outbound")
        assert (message.purpose, message.origin) == ("conversational", "ghl:usr1")
        conversations.attend()
        assert Conversation.objects.get(phone=PHONE).state == "answered"
        twilio_sandbox.flush_callbacks()
        run_outbox()
        in_ghl = {m["id"]: m for m in ghl.conversation_messages(contact)}
        assert in_ghl[result["message"]["id"]]["status"] == "delivered"
        assert [m["body"] for m in in_ghl.values()] == ["Yes, Tuesday 9am works",
                                                        "Can you come Tuesday?"]

    def test_a_reply_to_an_opted_out_number_is_refused_and_failed_in_ghl(
            self, ghl, contact, twilio_sandbox):
        preferences.opt_out(phone=PHONE, source="keyword", actor="customer",
                            reason="texted STOP")
        result = ghl.rep_replies(contact, "Are you still interested?", user_id="usr1")
        assert result["status"] == 200 and '"blocked"' in result["answer"]
        assert twilio_sandbox.messages() == []
        outbox.drain()
        [in_ghl] = ghl.conversation_messages(contact)
        assert in_ghl["status"] == "failed"
        assert "opted out" in in_ghl["meta"]["error"]["message"]

    def test_a_replayed_reply_is_sent_once(self, ghl, contact, twilio_sandbox, live):
        import json

        from sandbox.ghl import webhooks

        customer_texted()
        result = ghl.rep_replies(contact, "See you then", user_id="usr1")
        payload = {"contactId": contact, "locationId": ghl.state.contacts[contact][
            "locationId"], "messageId": result["message"]["id"], "type": "SMS",
            "phone": PHONE, "message": "See you then"}
        body = json.dumps(payload).encode()
        again = webhooks.deliver(live.url + "/webhooks/ghl/provider/", body, "ed25519")
        assert again.status == 200 and '"duplicate": true' in again.text()
        assert len(twilio_sandbox.messages()) == 1

    def test_without_a_recent_text_from_the_number_quiet_hours_hold(self, ghl, contact,
                                                                   twilio_sandbox,
                                                                   monkeypatch):
        from datetime import datetime, time
        from zoneinfo import ZoneInfo

        night = datetime.combine(timezone.now().date() + timedelta(days=1), time(23, 0),
                                 ZoneInfo("America/New_York"))
        monkeypatch.setattr(timezone, "now", lambda: night)
        ghl.rep_replies(contact, "Big sale this week!", user_id="usr1")
        assert twilio_sandbox.messages() == []
        assert SmsMessage.objects.get().status == "deferred"
