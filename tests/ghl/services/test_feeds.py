"""Paging through GHL's lists beyond what page numbers reach."""

from dataclasses import replace

import pytest

from ghl.client import GHLClient
from ghl.models import GHLContact
from ghl.pacing import Pacer
from ghl.services.sync import sync
from sandbox.ghl import GHLSandbox
from sandbox.server import SandboxApp, start_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_ghl(settings):
    """A location with more contacts than ``page`` paging can reach (10,000)."""
    vendor = GHLSandbox(contacts=10_250, opportunities=1)
    running = start_sandbox(app=SandboxApp({"ghl": vendor}))
    settings.GHL = replace(settings.GHL, base_url=f"{running.url}/ghl")
    yield vendor
    running.stop()
    vendor.reset()


def test_contacts_past_ten_thousand_are_read_with_search_after(big_ghl, sleeps):
    client = GHLClient(pacer=Pacer(sleep=sleeps), sleep=sleeps)
    [log] = sync(["contacts"], client=client)
    assert log.status == "success" and log.pages == 21
    assert GHLContact.objects.count() == 10_250
    searches = big_ghl.requests()
    assert {r["status"] for r in searches} == {200}
    assert all("searchAfter" in r["json"] for r in searches[1:])

