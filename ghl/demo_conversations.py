"""``make run``'s conversations demo (after the GHL demo): a customer's reply arrives through
the signed Twilio webhook, its owner is found and emailed (console email), staff answer from
the admin's conversation page, the texts are copied into the customer's GHL conversation, and
a rep's reply typed "in GHL" comes to our provider webhook and goes out through Twilio.

Everything goes over HTTP except the staff reply, which goes through the admin's own view in
this process (logged in as the development admin) rather than a browser.
"""

from __future__ import annotations

import uuid
from typing import TextIO

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from config.demo_admin import ensure_demo_admin
from ghl.models import ConversationThread
from ghl.services import outbox
from messaging.models import Conversation, SmsMessage
from messaging.services import conversations
from servicetitan import models as st

FALLBACK_PHONE = "+14075550143"


class DemoError(Exception):
    pass


def _say(stdout: TextIO, line: str) -> None:
    stdout.write(line + "\n")


def _post(path: str, body: dict) -> dict:
    response = requests.post(f"{settings.SANDBOX_URL}{path}", json=body, timeout=30)
    if response.status_code >= 300:
        raise DemoError(f"the sandbox answered {response.status_code}: {response.text[:200]}")
    return response.json()


def _customer_with_a_seller() -> tuple[str, str]:
    """A customer's mobile number whose estimate has a sold-by with an email, and that email;
    else a number nobody owns (the group gets it)."""
    for estimate in st.Estimate.objects.filter(sold_by_id__isnull=False).order_by("-total")[:50]:
        email = (st.Employee.objects.filter(id=estimate.sold_by_id).values_list(
            "email", flat=True).first() or st.Technician.objects.filter(
            id=estimate.sold_by_id).values_list("email", flat=True).first() or "").strip()
        phone = st.CustomerContact.objects.filter(
            customer_id=estimate.customer_id, type="MobilePhone", active=True,
            phone_e164__isnull=False).values_list("phone_e164", flat=True).first()
        if email and phone:
            return phone, email
    return FALLBACK_PHONE, ""


def _owner_login(email: str) -> None:
    """The seller as a staff user (a Dispatcher), so the owner rule finds a person."""
    User = get_user_model()
    if email and not User.objects.filter(email__iexact=email).exists():
        user = User.objects.create_user(f"demo-{email.split('@')[0][:20]}", email=email,
                                        is_staff=True)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="Dispatcher"))


def run_conversation_demo(stdout: TextIO) -> None:
    phone, email = _customer_with_a_seller()
    _owner_login(email)
    webhook = settings.PUBLIC_BASE_URL + reverse("messaging:twilio-sms")
    _post("/twilio/_control/inbound", {"url": webhook, "from": phone, "to":
                                       settings.TWILIO.from_number,
                                       "body": "Hi, can you come Tuesday morning instead?"})
    conversations.attend()  # what the cluster does within seconds of the text
    conversation = Conversation.objects.get(phone=phone)
    _say(stdout, f"  ← a reply from {phone} opens conversation #{conversation.pk}")
    owner = conversation.owner.get_username() if conversation.owner else "the group"
    _say(stdout, f"  owner: {owner} ({conversation.owner_rule}); emailed a link to the "
                 f"thread (the console email above)")
    admin = ensure_demo_admin()
    staff = get_user_model().objects.filter(
        username=admin.username if admin else "admin").first() or get_user_model().objects.filter(
        is_superuser=True).first()
    host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")),
                "localhost")
    client = Client(HTTP_HOST=host)
    client.force_login(staff)
    answer = client.post(reverse("admin:messaging_conversation_reply", args=[conversation.pk]),
                         {"body": "Tuesday 9am works, see you then!", "key": uuid.uuid4().hex})
    reply = SmsMessage.objects.filter(phone=phone, direction="outbound").first()
    if answer.status_code != 302 or reply is None:
        raise DemoError(f"the admin's reply page answered {answer.status_code}")
    conversation.refresh_from_db()
    _say(stdout, f"  → staff answer from the admin: text #{reply.pk} {reply.status}; the "
                 f"conversation is {conversation.state}")
    outbox.collect()
    drained = outbox.drain()
    _say(stdout, f"  both texts copied into the customer's GHL conversation ({drained.done} "
                 f"outbox rows sent)")
    provider = settings.PUBLIC_BASE_URL + reverse("ghl:provider")
    _post("/ghl/_control/options", {"provider_url": provider})
    contact = ConversationThread.objects.get(phone=phone).contact_id
    answer = _post("/ghl/_control/rep-reply", {"contactId": contact, "userId": "demoRep",
                                               "message": "Also, bring the old filter?"})
    rep = SmsMessage.objects.filter(phone=phone, origin__startswith="ghl:").first()
    _say(stdout, f"  ← a rep answers in GHL: our provider webhook answered {answer['status']}; "
                 f"text #{rep.pk if rep else '?'} {rep.status if rep else 'not sent'} "
                 f"through Twilio")
    _say(stdout, f"  see it in the admin: /admin/messaging/conversation/{conversation.pk}/"
                 f"change/")


def run(stdout: TextIO) -> None:
    try:
        run_conversation_demo(stdout)
    except (requests.RequestException, DemoError, Conversation.DoesNotExist,
            ConversationThread.DoesNotExist) as exc:
        _say(stdout, f"  the conversations demo could not run: {exc}")
