"""``make run``'s texting demo (called by ``manage.py runstack`` once the sandbox and the web
server are up): a text goes out through the Twilio sandbox, the customer's reply comes back
through our real signed webhook, then a STOP takes effect and the next text is refused.

Everything goes over HTTP: our send service → the sandbox's Messages API; the sandbox's
control API → a signed POST to ``PUBLIC_BASE_URL/webhooks/twilio/sms/`` (so
``PUBLIC_BASE_URL`` must be the local web server, as it is by default for ``make run``).
"""

from __future__ import annotations

import time
import uuid
from typing import Any, TextIO

import requests
from django.conf import settings
from django.urls import reverse

from messaging.models import SmsMessage, SmsStatus
from messaging.policy import is_opted_out
from messaging.services.send import send_sms

DEMO_PHONE = "+14075550142"   # a fictional 555-01xx number
FINAL = (SmsStatus.DELIVERED, SmsStatus.UNDELIVERED, SmsStatus.FAILED, SmsStatus.BLOCKED)


class DemoError(Exception):
    pass


def _inbound(body: str) -> dict[str, Any]:
    """The sandbox texts ``body`` from the demo customer to our webhook; returns what our
    webhook answered (``{"status", "body"}``)."""
    webhook = settings.PUBLIC_BASE_URL + reverse("messaging:twilio-sms")
    response = requests.post(f"{settings.SANDBOX_URL}/twilio/_control/inbound", timeout=20,
                             json={"url": webhook, "from": DEMO_PHONE, "body": body,
                                   "to": settings.TWILIO.from_number})
    if response.status_code != 200:
        raise DemoError(f"the sandbox could not deliver to our webhook: {response.text[:200]}")
    return response.json()


def _say(stdout: TextIO, line: str) -> None:
    stdout.write(line + "\n")


def _text(stdout: TextIO, label: str) -> SmsMessage:
    message = send_sms(to=DEMO_PHONE, purpose="transactional",
                       idempotency_key=f"demo-{uuid.uuid4().hex}",
                       body="PerfectCatch: your estimate for the water heater is ready. Any "
                            "questions? Just reply to this text.")
    detail = f"Twilio SID {message.sid}" if message.sid else message.error_message
    _say(stdout, f"  → {label}: text #{message.pk} to {DEMO_PHONE} is {message.status} "
                 f"({detail})")
    return message


def _wait_for_callbacks(message: SmsMessage, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status in FINAL:
            break
        time.sleep(0.2)  # the sandbox posts status callbacks from its own thread
    return message.status


def run_demo(stdout: TextIO, wait_for_delivery: float = 5.0) -> None:
    if not settings.TWILIO.using_sandbox:
        why = "Twilio is configured" if settings.TWILIO.enabled else settings.TWILIO.turned_off
        _say(stdout, f"  skipped: {why}, and the demo only texts the sandbox")
        return
    try:
        if is_opted_out(DEMO_PHONE):  # an earlier demo's STOP
            _inbound("START")
        first = _text(stdout, "a text goes out")
        _say(stdout, f"    status callbacks moved it to: "
                     f"{_wait_for_callbacks(first, wait_for_delivery)}")
        _inbound("Thanks! Does Tuesday morning work?")
        reply = SmsMessage.objects.filter(phone=DEMO_PHONE, direction="inbound").first()
        _say(stdout, f"  ← a reply comes in: text #{reply.pk} \"{reply.body}\", stored and "
                     f"emitted as sms.received for workflows")
        answer = _inbound("STOP")
        _say(stdout, f"  ← STOP: {DEMO_PHONE} opted out: {is_opted_out(DEMO_PHONE)}; our "
                     f"webhook answered {answer['body'].strip()}")
        _text(stdout, "the next text")
    except (requests.RequestException, DemoError) as exc:
        _say(stdout, f"  the texting demo could not run: {exc}")
        return
    _say(stdout, f"  see it in the admin: /admin/messaging/smsmessage/conversations/"
                 f"{DEMO_PHONE}/")
