"""``make run``'s texting demo against the sandbox and our live webhook."""

import io
from dataclasses import replace

import pytest

from messaging.demo import DEMO_PHONE, run_demo
from messaging.models import SmsMessage
from messaging.policy import is_opted_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stack(live_server, settings, twilio, twilio_server):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SANDBOX_URL = twilio_server.url
    return twilio


def test_the_demo_sends_receives_a_reply_and_honours_a_stop(stack):
    out = io.StringIO()
    run_demo(out, wait_for_delivery=0)
    text = out.getvalue()
    assert "a text goes out" in text and "a reply comes in" in text and "STOP" in text
    assert "the next text" in text and "blocked" in text
    assert is_opted_out(DEMO_PHONE)
    directions = list(SmsMessage.objects.order_by("id").values_list("direction", "status"))
    assert directions == [("outbound", "queued"), ("inbound", "received"),
                          ("inbound", "received"), ("outbound", "blocked")]
    assert len(stack.messages()) == 1  # only the first text reached Twilio


def test_the_demo_can_run_again_after_its_own_stop(stack):
    run_demo(io.StringIO(), wait_for_delivery=0)
    out = io.StringIO()
    run_demo(out, wait_for_delivery=0)
    assert "is queued" in out.getvalue() and len(stack.messages()) == 2


def test_the_demo_says_so_when_the_webhook_is_unreachable(stack, settings, unused_port):
    settings.PUBLIC_BASE_URL = f"http://127.0.0.1:{unused_port}"
    out = io.StringIO()
    run_demo(out, wait_for_delivery=0)
    assert "could not run" in out.getvalue()


def test_the_demo_is_skipped_when_twilio_is_real(settings):
    settings.TWILIO = replace(settings.TWILIO, configured=True)
    out = io.StringIO()
    run_demo(out)
    assert "skipped" in out.getvalue()
