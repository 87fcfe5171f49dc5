"""Fixtures for the GHL and Twilio sandbox tests, loaded with
``pytest_plugins = ["tests.sandbox.ghl_twilio_fixtures"]``.

The sandbox runs with just these two vendors on a loopback port for the session; each test
gets them reset. ``receiver`` is a second loopback server that records what the sandboxes
post to "our" webhooks.
"""

from __future__ import annotations

import threading

import pytest
from twilio.rest import Client

from sandbox.credentials import SANDBOX_TWILIO_ACCOUNT_SID, SANDBOX_TWILIO_AUTH_TOKEN
from sandbox.ghl import GHLSandbox
from sandbox.http import SandboxHTTPServer
from sandbox.server import SandboxApp, start_sandbox
from sandbox.twilio import TwilioSandbox
from tests.sandbox.ghl_twilio_support import GHLApi, Receiver, SandboxTwilioHttpClient


@pytest.fixture(scope="session")
def vendor_server():
    ghl, twilio = GHLSandbox(), TwilioSandbox()
    running = start_sandbox(app=SandboxApp({"ghl": ghl, "twilio": twilio}))
    yield running
    running.stop()
    ghl.reset()  # stops their background threads
    twilio.reset()


@pytest.fixture
def ghl(vendor_server) -> GHLSandbox:
    vendor = vendor_server.vendor("ghl")
    vendor.reset()
    yield vendor
    vendor.reset()


@pytest.fixture
def twilio(vendor_server) -> TwilioSandbox:
    vendor = vendor_server.vendor("twilio")
    vendor.reset()
    yield vendor
    vendor.reset()


@pytest.fixture
def ghl_api(vendor_server, ghl) -> GHLApi:
    return GHLApi(f"{vendor_server.url}/ghl")


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.server = SandboxHTTPServer(("127.0.0.1", 0), receiver)
    # A short poll interval: stopping the server waits for the loop to notice.
    threading.Thread(target=receiver.server.serve_forever, kwargs={"poll_interval": 0.02},
                     daemon=True).start()
    yield receiver
    receiver.server.stop()


@pytest.fixture
def twilio_client(vendor_server, twilio) -> Client:
    http_client = SandboxTwilioHttpClient(f"{vendor_server.url}/twilio")
    return Client(SANDBOX_TWILIO_ACCOUNT_SID, SANDBOX_TWILIO_AUTH_TOKEN, http_client=http_client)
