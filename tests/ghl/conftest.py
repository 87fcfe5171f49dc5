"""Fixtures for the GHL tests.

``ghl`` is the GHL sandbox of the session sandbox (reset per test, ``settings.GHL`` pointed at
it); ``ghl_client`` talks to it through the real ``GHLClient`` with a fresh pacer and a recorded
``sleep`` (backoff and pacing waits are recorded, not slept). ServiceTitan rows are made with
the factories below, as the sync service would have written them.
"""

from __future__ import annotations

from decimal import Decimal

import factory
import pytest
from django.utils import timezone
from factory.django import DjangoModelFactory

from config.phones import phone_key_or_none
from ghl import pacing
from ghl.client import GHLClient
from ghl.pacing import Pacer
from sandbox.ghl import GHLSandbox
from servicetitan import models as st


class Sleeps(list):
    """A stand-in for ``time.sleep`` that records each wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(autouse=True)
def _fresh_pacers(settings):
    pacing._PACERS.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    pacing._PACERS.clear()


@pytest.fixture
def ghl(sandbox) -> GHLSandbox:
    return sandbox.vendor("ghl")


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def ghl_client(ghl, sleeps) -> GHLClient:
    return GHLClient(pacer=Pacer(sleep=sleeps), sleep=sleeps)


def api_requests(ghl: GHLSandbox, method: str | None = None, path: str = "") -> list[dict]:
    """The sandbox's request log, filtered."""
    return [r for r in ghl.requests()
            if (method is None or r["method"] == method) and r["path"].startswith(path)]


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = st.Customer

    id = factory.Sequence(lambda n: 510_000 + n)
    name = "Dana Whitfield"
    type = "Residential"
    street, city, state, zip = "12 Magnolia Ave", "Orlando", "FL", "32801"
    raw = factory.LazyFunction(dict)
    synced_at = factory.LazyFunction(timezone.now)


class CustomerContactFactory(DjangoModelFactory):
    class Meta:
        model = st.CustomerContact

    id = factory.Sequence(lambda n: 520_000 + n)
    customer_id = factory.LazyAttribute(lambda _: CustomerFactory().id)
    type = "MobilePhone"
    value = "(407) 555-0142"
    phone_e164 = factory.LazyAttribute(lambda c: phone_key_or_none(c.value))  # as the sync does
    do_not_text = False
    raw = factory.LazyFunction(dict)
    synced_at = factory.LazyFunction(timezone.now)


class TechnicianFactory(DjangoModelFactory):
    class Meta:
        model = st.Technician

    id = factory.Sequence(lambda n: 530_000 + n)
    name = "Marco Delgado"
    email = "marco.delgado@perfectcatch-hvac.example"
    raw = factory.LazyFunction(dict)
    synced_at = factory.LazyFunction(timezone.now)


class STEmployeeFactory(DjangoModelFactory):
    class Meta:
        model = st.Employee

    id = factory.Sequence(lambda n: 540_000 + n)
    name = "Priya Raman"
    email = "priya.raman@perfectcatch-hvac.example"
    raw = factory.LazyFunction(dict)
    synced_at = factory.LazyFunction(timezone.now)


class EstimateFactory(DjangoModelFactory):
    class Meta:
        model = st.Estimate

    id = factory.Sequence(lambda n: 550_000 + n)
    customer_id = factory.LazyAttribute(lambda _: CustomerFactory().id)
    name = "Heat pump install"
    status = "Open"
    subtotal, tax, total = Decimal("9000.00"), Decimal("630.00"), Decimal("9630.00")
    raw = factory.LazyFunction(dict)
    synced_at = factory.LazyFunction(timezone.now)


def webhook_body(event_type: str, payload: dict, *, timestamp=None,
                 webhook_id: str | None = None) -> bytes:
    """An event exactly as GHL (the sandbox) would send it."""
    from sandbox.ghl.webhooks import event_body

    return event_body(event_type, payload, timestamp or timezone.now(), webhook_id)


def post_webhook(django_client, body: bytes, signature: str = "ed25519", **headers):
    """POST ``body`` to our webhook, signed by the sandbox's keys as ``signature`` says
    (ed25519, rsa, both, none or bad)."""
    from sandbox.ghl.webhooks import signature_headers

    signed = {f"HTTP_{name.upper().replace('-', '_')}": value
              for name, value in signature_headers(body, signature).items()}
    return django_client.post("/webhooks/ghl/", data=body, content_type="application/json",
                              **signed, **headers)


@pytest.fixture
def synced(ghl, ghl_client):
    """Pipelines (so the default stage mappings exist) and users synced from the sandbox."""
    from ghl.services.sync import sync

    sync(["pipelines", "users"], client=ghl_client)


@pytest.fixture
def estimate(db):
    """An Open estimate of a customer with an email and a mobile number, sold by a
    technician who has a GHL user."""
    customer = CustomerFactory()
    CustomerContactFactory(customer_id=customer.id, type="Email", value="dana@example.com")
    CustomerContactFactory(customer_id=customer.id)
    seller = TechnicianFactory()
    return EstimateFactory(customer_id=customer.id, sold_by_id=seller.id)


def sandbox_opportunities(ghl: GHLSandbox, estimate_id: int) -> list[dict]:
    """The sandbox's opportunities for one of our estimates (by the name's marker)."""
    return [o for o in ghl.state.opportunities.values()
            if o["name"].endswith(f"#{estimate_id}")]


@pytest.fixture
def make_workflow(db):
    """A workflow started by ``estimate.created`` running ``steps``."""
    from workflows.services import definition_save

    def make(steps: list[dict], trigger: str = "estimate.created"):
        return definition_save(data={"name": "GHL test", "trigger_event": trigger,
                                     "steps": steps, "active": True}, actor="test")
    return make


@pytest.fixture
def drain(db):
    """Run the workflow engine until nothing is due (``workflows_run --once``)."""
    from workflows.engine import Worker

    return lambda: Worker(name="ghl-test-worker", poll_interval=0.1).drain()


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
