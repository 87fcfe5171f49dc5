"""A customer's text answered from the conversation page, in a real browser: the reply goes out
through the Twilio sandbox, shows in the thread at once, and its delivery status changes on the
page without a reload when Twilio's callback arrives."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from messaging.models import Conversation, SmsMessage
from messaging.services import conversations
from tests.messaging.conftest import (
    CUSTOMER_PHONE,
    inbound_params,
    messaging_settings,  # noqa: F401  (autouse here)
    signed_post,
)

pytestmark = pytest.mark.browser
QUESTION = "Can you come Tuesday instead?"
ANSWER = "Tuesday at 9 works, see you then!"


def test_a_dispatcher_answers_a_reply_and_sees_it_delivered(page: Page, log_in, customer,
                                                            twilio):
    webhook = Client()
    assert signed_post(webhook, "/webhooks/twilio/sms/",
                       inbound_params(QUESTION)).status_code == 200
    conversations.open_from_texts()  # what the cluster's attend does first
    conversation = Conversation.objects.get(phone=CUSTOMER_PHONE)

    log_in("Dispatcher")
    page.goto("/admin/messaging/conversation/")
    page.get_by_role("link", name=conversation.phone).click()
    expect(page.locator(".bubble.inbound")).to_contain_text(QUESTION)
    page.get_by_label("Reply").fill(ANSWER)
    page.get_by_role("button", name="Send reply").click()

    expect(page.locator(".bubble.outbound")).to_contain_text(ANSWER)
    expect(page.locator("#conversation-state")).to_have_text("answered")
    assert [m["body"] for m in twilio.messages()] == [ANSWER]

    sent = SmsMessage.objects.get(direction="outbound")
    status = page.locator(f'.sms-status[data-id="{sent.pk}"]')
    expect(status).not_to_contain_text("delivered")
    signed_post(webhook, "/webhooks/twilio/status/",
                {"MessageSid": sent.sid, "MessageStatus": "delivered"})
    expect(status).to_contain_text("delivered", timeout=10_000)  # the page polls every 3 s


def test_a_viewer_reads_the_thread_without_a_reply_box(page: Page, log_in, customer,
                                                            twilio):
    signed_post(Client(), "/webhooks/twilio/sms/", inbound_params(QUESTION))
    conversations.open_from_texts()
    conversation = Conversation.objects.get(phone=CUSTOMER_PHONE)

    log_in("Viewer")
    page.goto(f"/admin/messaging/conversation/{conversation.pk}/change/")
    expect(page.locator(".bubble.inbound")).to_contain_text(QUESTION)
    expect(page.get_by_role("button", name="Send reply")).to_have_count(0)
    expect(page.get_by_text("replying needs the Dispatcher or Manager role")).to_be_visible()
