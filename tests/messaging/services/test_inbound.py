"""Inbound texts through the webhook: keywords, free text, replies, events, duplicates."""

import pytest

from messaging.models import CommunicationPreference, SmsMessage
from messaging.services import preferences
from tests.messaging.conftest import CUSTOMER_PHONE, inbound_params, signed_post
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db
PATH = "/webhooks/twilio/sms/"
SID_1, SID_2 = "SM" + "1" * 32, "SM" + "2" * 32


def text(client, body: str, sid: str = SID_1, **extra):
    return signed_post(client, PATH, inbound_params(body, sid, **extra))


def events(kind: str) -> list[dict]:
    return [e.payload for e in WorkflowEvent.objects.filter(event_type=kind)]


def test_an_ordinary_reply_is_stored_linked_to_the_customer_and_emitted(client, customer):
    response = text(client, "Tuesday works for me")
    message = SmsMessage.objects.get()
    assert (message.direction, message.status, message.customer_id) == ("inbound", "received",
                                                                          customer.id)
    assert response.content.decode().endswith("<Response />")
    [payload] = events("sms.received")
    assert payload == {"phone": CUSTOMER_PHONE, "body": "Tuesday works for me",
                       "customer_id": customer.id, "message_id": message.pk,
                       "to": "+15005550006", "media": 0}


def test_the_event_is_about_the_customer_when_known(client, customer):
    text(client, "Hi")
    event = WorkflowEvent.objects.get(event_type="sms.received")
    assert (event.entity_type, event.entity_id, event.source) == ("customer", str(customer.id),
                                                                  "twilio")


def test_a_text_from_an_unknown_number_is_about_the_phone(client, db):
    text(client, "Who is this?")
    event = WorkflowEvent.objects.get(event_type="sms.received")
    assert (event.entity_type, event.entity_id) == ("phone", CUSTOMER_PHONE)


def test_stop_opts_the_number_out_and_confirms_once(client, customer):
    response = text(client, "Stop")
    assert "unsubscribed" in response.content.decode()
    preference = CommunicationPreference.objects.get(phone=CUSTOMER_PHONE)
    assert preference.sms_opted_out and preference.opt_out_source == "keyword"
    assert not preference.needs_review
    assert events("sms.opted_out")[0]["body"] == "Stop"
    assert events("sms.received") == []


def test_a_second_stop_gets_no_second_reply(client, db):
    text(client, "STOP")
    again = text(client, "stop", sid=SID_2)
    assert "<Message>" not in again.content.decode()
    assert SmsMessage.objects.count() == 2


def test_a_redelivered_stop_is_stored_once_and_not_answered_again(client, db):
    first = text(client, "STOP")
    replay = text(client, "STOP")
    assert "<Message>" in first.content.decode()
    assert replay.status_code == 200 and "<Message>" not in replay.content.decode()
    assert SmsMessage.objects.count() == 1 and len(events("sms.opted_out")) == 1


def test_no_reply_when_twilio_advanced_opt_out_already_answered(client, db):
    response = text(client, "STOP", OptOutType="STOP")
    assert "<Message>" not in response.content.decode()
    assert preferences.is_opted_out(CUSTOMER_PHONE)


def test_no_reply_when_keyword_replies_are_off(client, settings):
    settings.MESSAGING = {"keyword_replies": False}
    assert "<Message>" not in text(client, "HELP").content.decode()


def test_reply_texts_are_configurable(client, settings):
    settings.MESSAGING = {"reply_texts": {"opt_out": "Bye from PerfectCatch."}}
    assert "Bye from PerfectCatch." in text(client, "STOP").content.decode()


def test_start_opts_a_number_back_in(client, db):
    text(client, "STOP")
    response = text(client, "start", sid=SID_2)
    assert "subscribed to texts again" in response.content.decode()
    assert not preferences.is_opted_out(CUSTOMER_PHONE)
    assert len(events("sms.opted_in")) == 1


def test_yes_from_a_subscribed_number_is_just_an_answer(client, customer):
    response = text(client, "Yes")
    assert "<Message>" not in response.content.decode()
    assert events("sms.received")[0]["body"] == "Yes"
    assert SmsMessage.objects.get().intent == ""


def test_help_is_answered_with_the_help_text(client, db):
    response = text(client, "help?")
    assert "Reply STOP to unsubscribe" in response.content.decode()
    assert SmsMessage.objects.get().intent == "help"


def test_a_free_text_revocation_opts_out_and_flags_it_for_review(client, customer):
    response = text(client, "Please stop texting me")
    assert "unsubscribed" in response.content.decode()
    preference = CommunicationPreference.objects.get(phone=CUSTOMER_PHONE)
    assert preference.sms_opted_out and preference.needs_review
    assert preference.opt_out_source == "free_text"
    assert preference.review_message == SmsMessage.objects.get()
    assert preference.changes.get().reason == 'free text: "stop texting"'


def test_stop_by_tomorrow_is_not_an_opt_out(client, customer):
    text(client, "Can you stop by tomorrow?")
    assert not preferences.is_opted_out(CUSTOMER_PHONE)
    assert len(events("sms.received")) == 1


def test_a_text_with_media_and_no_body_is_stored(client, db):
    response = text(client, "", NumMedia="1", MediaUrl0="https://api.twilio.com/x.jpg",
                    MediaContentType0="image/jpeg")
    assert response.status_code == 200
    assert events("sms.received")[0]["media"] == 1


def test_unknown_parameters_are_accepted_and_kept(client, db):
    text(client, "Hi", SomeNewTwilioField="42")
    assert SmsMessage.objects.get().raw["SomeNewTwilioField"] == "42"
