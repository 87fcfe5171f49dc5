"""Fixtures for the messaging tests.

``twilio`` is the Twilio sandbox on a loopback port (one server for the session, reset per
test) with ``settings.TWILIO`` pointed at it. Texts go out through the real twilio-python
client; webhooks come in through Django's test client, signed the way Twilio signs them
(``signed_post``), or from the sandbox itself to ``live_server`` in the end-to-end tests.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import factory
import pytest
from django.utils import timezone
from factory.django import DjangoModelFactory

from config.phones import phone_key_or_none
from sandbox.server import SandboxApp, start_sandbox
from sandbox.twilio import TwilioSandbox
from sandbox.twilio.signing import twilio_signature
from servicetitan.models import Customer, CustomerContact, Location
from workflows.engine import Worker
from workflows.events import Event, record_event
from workflows.models import WorkflowInstance
from workflows.services import definition_save

PUBLIC = "https://pc.example.com"
CUSTOMER_PHONE = "+14075550142"
OUR_NUMBER = "+15005550006"


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    id = factory.Sequence(lambda n: 70_000 + n)
    name = "Dana Whitfield"
    state = "FL"
    raw = factory.LazyFunction(dict)
    synced_at = factory.LazyFunction(timezone.now)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = CustomerContact

    id = factory.Sequence(lambda n: 80_000 + n)
    customer_id = factory.LazyAttribute(lambda _: CustomerFactory().id)
    type = "MobilePhone"
    value = CUSTOMER_PHONE
    phone_e164 = factory.LazyAttribute(lambda c: phone_key_or_none(c.value))  # as the sync does
    do_not_text = False
    raw = factory.LazyAttribute(lambda c: {"type": c.type, "value": c.value, "phoneSettings": {
        "phoneNumber": c.value, "doNotText": c.do_not_text}, "preferences": None})
    synced_at = factory.LazyFunction(timezone.now)


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    id = factory.Sequence(lambda n: 90_000 + n)
    customer_id = factory.LazyAttribute(lambda _: CustomerFactory().id)
    name = "Home"
    state = "FL"
    raw = factory.LazyFunction(dict)
    synced_at = factory.LazyFunction(timezone.now)


@pytest.fixture(autouse=True)
def messaging_settings(settings):
    """A public https origin (as behind the production proxy) and no pacing waits."""
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    settings.MESSAGING = {"sends_per_second": 1000.0}
    # admin_client's user is created with the default hasher otherwise (~0.3 s a test).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture(scope="session")
def twilio_server():
    vendor = TwilioSandbox()
    running = start_sandbox(app=SandboxApp({"twilio": vendor}))
    yield running
    running.stop()
    vendor.reset()  # stops its background sender


@pytest.fixture
def twilio(twilio_server, settings) -> TwilioSandbox:
    """The Twilio sandbox, reset, with ``settings.TWILIO`` pointing at it."""
    twilio_server.app.faults.clear()
    vendor = twilio_server.vendor("twilio")
    vendor.reset()
    settings.TWILIO = replace(settings.TWILIO, api_base_url=f"{twilio_server.url}/twilio")
    yield vendor
    twilio_server.app.faults.clear()


@pytest.fixture
def customer(db):
    """A Florida customer with a mobile contact at CUSTOMER_PHONE."""
    customer = CustomerFactory()
    ContactFactory(customer_id=customer.id)
    return customer


def sign(url: str, params: dict[str, str], token: str | None = None) -> str:
    from django.conf import settings

    return twilio_signature(token or settings.TWILIO.auth_token, url, params)


def signed_post(client, path: str, params: dict[str, str], *, signed_url: str | None = None,
                **extra):
    """POST ``params`` as Twilio would, signed for PUBLIC + ``path`` (or ``signed_url``)."""
    signature = sign(signed_url or PUBLIC + path, params)
    return client.post(path, data=urlencode(params),
                       content_type="application/x-www-form-urlencoded",
                       HTTP_X_TWILIO_SIGNATURE=signature, **extra)


def inbound_params(body: str, sid: str = "SM" + "a1" * 16, from_: str = CUSTOMER_PHONE,
                   **extra: str) -> dict[str, str]:
    """What Twilio posts for an inbound text (the fields that matter here)."""
    return {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "5a" * 16, "From": from_,
            "To": OUR_NUMBER, "Body": body, "NumMedia": "0", "NumSegments": "1",
            "SmsStatus": "received", "ApiVersion": "2010-04-01", **extra}


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_workflow(customer, steps) -> WorkflowInstance:
    """An active definition with ``steps``, started for ``customer`` by a customer.created
    event and run by the real engine until it parks or ends."""
    definition_save(actor="test", data={"name": "Follow-up", "trigger_event": "customer.created",
                                        "steps": steps, "active": True})
    record_event(Event("customer.created", "customer", customer.id,
                       payload={"id": customer.id, "customer_id": customer.id}))
    Worker().drain()
    return WorkflowInstance.objects.get()
