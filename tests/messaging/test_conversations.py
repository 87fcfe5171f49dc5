"""Conversations end to end: a customer's text arrives through the signed webhook (the real
statement), its owner is found and emailed, staff answer from the inbox through the Twilio
sandbox, and the thread's statuses follow the delivery callbacks."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from messaging.models import Conversation, SmsMessage
from messaging.services import conversations, preferences
from servicetitan.models import AppointmentAssignment, Employee, Estimate, Job, Technician
from tests.messaging.conftest import CUSTOMER_PHONE, inbound_params, signed_post

pytestmark = pytest.mark.django_db
BODY = "Yes please book me for Tuesday, the back door code is 4412"


def staff_user(username: str, email: str = "", role: str | None = None):
    user = get_user_model().objects.create_user(username, email=email, password="x" * 12,
                                                is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def text_in(client, body: str = BODY, sid: str = "SM" + "c3" * 16) -> Conversation:
    response = signed_post(client, "/webhooks/twilio/sms/", inbound_params(body, sid=sid))
    assert response.status_code == 200
    conversations.open_from_texts()  # what the cluster's attend does first
    return Conversation.objects.get(phone=CUSTOMER_PHONE)


def st_row(model, **fields):
    return model.objects.create(raw={}, synced_at=timezone.now(), **fields)


def test_a_text_opens_a_conversation_owned_by_the_estimates_sold_by(client, customer):
    seller = staff_user("maria", "Maria.Lopez@perfectcatch.example")
    st_row(Employee, id=501, name="Maria Lopez", email="maria.lopez@perfectcatch.example")
    st_row(Estimate, id=9001, customer_id=customer.id, status="Open", sold_by_id=501)
    conversation = text_in(client)
    assert (conversation.state, conversation.needs_attention) == ("open", True)
    assert conversations.attend() == 1
    conversation.refresh_from_db()
    assert conversation.owner == seller and "estimate 9001" in conversation.owner_rule
    [email] = mail.outbox
    assert email.to == ["Maria.Lopez@perfectcatch.example"]
    assert BODY not in email.subject and "4412" not in email.subject
    assert BODY in email.body
    assert f"/admin/messaging/conversation/{conversation.pk}/change/" in email.body


def test_without_an_estimate_the_jobs_technician_owns_it(client, customer):
    tech = staff_user("tom", "tom@perfectcatch.example")
    st_row(Technician, id=601, name="Tom", email="TOM@perfectcatch.example")
    st_row(Job, id=7001, customer_id=customer.id, job_number="7001", job_status="Completed")
    st_row(AppointmentAssignment, id=1, job_id=7001, technician_id=601)
    text_in(client)
    conversations.attend()
    assert Conversation.objects.get().owner == tech


def test_with_nobody_matched_the_group_owns_it_and_is_emailed(client, customer, settings):
    settings.MESSAGING = {**settings.MESSAGING, "conversation_group": "Sales"}
    staff_user("sam", "sam@perfectcatch.example", role=None).groups.add(
        Group.objects.get_or_create(name="Sales")[0])
    text_in(client)
    conversations.attend()
    conversation = Conversation.objects.get()
    assert conversation.owner is None and conversation.owner_rule.startswith("group Sales")
    assert [m.to for m in mail.outbox] == [["sam@perfectcatch.example"]]


def test_a_second_text_in_the_same_spell_sends_no_second_email(client, customer):
    Group.objects.get_or_create(name="Sales")[0].user_set.add(
        staff_user("sam", "sam@perfectcatch.example"))
    text_in(client)
    conversations.attend()
    text_in(client, "also, what time?", sid="SM" + "d4" * 16)
    assert conversations.attend() == 1
    assert len(mail.outbox) == 1


def test_still_unanswered_after_the_setting_the_group_is_reminded_once(client, customer,
                                                                       settings):
    settings.MESSAGING = {**settings.MESSAGING, "reminder_after_minutes": 15}
    Group.objects.get_or_create(name="Sales")[0].user_set.add(
        staff_user("sam", "sam@perfectcatch.example"))
    text_in(client)
    conversations.attend()
    now = timezone.now()
    assert conversations.remind(now + timedelta(minutes=14)) == 0
    assert conversations.remind(now + timedelta(minutes=16)) == 1
    assert conversations.remind(now + timedelta(minutes=30)) == 0
    reminder = mail.outbox[-1]
    assert reminder.subject.startswith("Reminder:") and BODY not in reminder.subject


def test_a_keyword_opens_no_conversation(client, customer):
    signed_post(client, "/webhooks/twilio/sms/", inbound_params("STOP"))
    assert conversations.attend() == 0
    assert not Conversation.objects.exists()


def test_a_text_answered_before_the_cluster_saw_it_stays_answered(client, customer, twilio):
    signed_post(client, "/webhooks/twilio/sms/", inbound_params(BODY))
    from messaging.services.send import send_sms

    send_sms(to=CUSTOMER_PHONE, body="On it", purpose="conversational", origin="ghl:usr1")
    conversations.attend()
    assert Conversation.objects.get().state == "answered"
    assert mail.outbox == []


def test_the_inbox_lists_newest_unanswered_first_with_the_last_text(admin_client, customer):
    Conversation.objects.create(phone="+14075550100", state="answered")
    Conversation.objects.create(phone="+14075550101", state="open",
                                unanswered_since=timezone.now() - timedelta(hours=2))
    text_in(admin_client)
    response = admin_client.get("/admin/messaging/conversation/")
    phones = [c.phone for c in response.context["cl"].result_list]
    assert phones == [CUSTOMER_PHONE, "+14075550101", "+14075550100"]
    assert BODY[:40] in response.content.decode()


def reply(client, conversation, body="See you Tuesday at 9!", key="k" * 32):
    return client.post(f"/admin/messaging/conversation/{conversation.pk}/reply/",
                       {"body": body, "key": key})


def test_a_staff_reply_goes_out_through_twilio_at_night_and_answers(client, customer,
                                                                     twilio, monkeypatch):
    conversation = text_in(client)
    client.force_login(staff_user("dee", role="Dispatcher"))
    tomorrow = timezone.now().astimezone(ZoneInfo("America/New_York")).date() + timedelta(1)
    late = datetime.combine(tomorrow, time(23, 30), ZoneInfo("America/New_York"))
    monkeypatch.setattr(timezone, "now", lambda: late)  # quiet hours for marketing
    assert reply(client, conversation).status_code == 302
    [sent] = twilio.messages()
    assert (sent["to"], sent["body"]) == (CUSTOMER_PHONE, "See you Tuesday at 9!")
    message = SmsMessage.objects.get(direction="outbound")
    assert (message.purpose, message.origin) == ("conversational", "staff:dee")
    conversation.refresh_from_db()
    assert (conversation.state, conversation.answered_by) == ("answered", "dee")


def test_the_same_form_sent_twice_texts_once(client, customer, twilio):
    conversation = text_in(client)
    client.force_login(staff_user("dee", role="Dispatcher"))
    reply(client, conversation)
    reply(client, conversation)
    assert len(twilio.messages()) == 1


def test_a_reply_to_an_opted_out_number_is_refused_and_stays_open(client, customer, twilio):
    conversation = text_in(client)
    preferences.opt_out(phone=CUSTOMER_PHONE, source="staff", actor="test", reason="asked")
    client.force_login(staff_user("dee", role="Dispatcher"))
    response = reply(client, conversation)
    assert twilio.messages() == []
    assert "opted out" in client.get(response.url).content.decode()
    conversation.refresh_from_db()
    assert conversation.state == "open"


def test_a_viewer_reads_the_thread_but_may_not_reply(client, customer, twilio):
    conversation = text_in(client)
    client.force_login(staff_user("vic", role="Viewer"))
    page = client.get(f"/admin/messaging/conversation/{conversation.pk}/change/")
    assert page.status_code == 200 and BODY in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    assert reply(client, conversation).status_code == 403
    assert twilio.messages() == []


def test_an_empty_reply_is_refused_with_a_reason(client, customer, twilio):
    conversation = text_in(client)
    client.force_login(staff_user("dee", role="Dispatcher"))
    response = reply(client, conversation, body="   ")
    assert "empty" in client.get(response.url).content.decode()
    assert SmsMessage.objects.filter(direction="outbound").count() == 0


def test_the_thread_endpoint_shows_the_delivery_status(client, customer, twilio):
    conversation = text_in(client)
    client.force_login(staff_user("dee", role="Dispatcher"))
    reply(client, conversation)
    message = SmsMessage.objects.get(direction="outbound")
    url = f"/admin/messaging/conversation/{conversation.pk}/thread.json"
    before = {m["id"]: m["status"] for m in client.get(url).json()["messages"]}
    assert before[message.pk] in ("queued", "accepted")
    signed_post(client, "/webhooks/twilio/status/",
                {"MessageSid": message.sid, "MessageStatus": "delivered"})
    after = {m["id"]: m["status"] for m in client.get(url).json()["messages"]}
    assert after[message.pk] == "delivered"


def test_the_thread_endpoint_needs_a_staff_login(client, customer):
    conversation = text_in(client)
    response = client.get(f"/admin/messaging/conversation/{conversation.pk}/thread.json")
    assert response.status_code == 302 and "/login/" in response.url


def test_the_front_page_shows_each_user_their_unanswered_conversations(client, customer):
    from config.dashboard import dashboard

    dee = staff_user("dee", "dee@perfectcatch.example", role="Dispatcher")
    other = staff_user("otto", role="Dispatcher")
    Conversation.objects.create(phone="+14075550100", owner=dee, unanswered_since=timezone.now())
    Conversation.objects.create(phone="+14075550101", owner=other,
                                unanswered_since=timezone.now())
    Conversation.objects.create(phone="+14075550102", owner=dee, state="answered")

    def tiles(user):
        texting = next(p for p in dashboard(user)["panels"] if p["title"] == "Texting")
        return {t.label: t.value for t in texting["tiles"]}

    assert tiles(dee)["unanswered, yours"] == 1 and tiles(dee)["unanswered, all"] == 2
    assert tiles(get_user_model().objects.get(pk=other.pk))["unanswered, yours"] == 1
    client.force_login(dee)
    assert "unanswered, yours" in client.get("/admin/").content.decode()
