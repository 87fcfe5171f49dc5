"""Helpers for the GHL and Twilio sandbox tests (the fixtures are in ghl_twilio_fixtures.py)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import requests
from twilio.http.http_client import TwilioHttpClient

from sandbox.credentials import SANDBOX_GHL_LOCATION_ID, SANDBOX_GHL_TOKEN
from sandbox.http import Request, Response, SandboxHTTPServer, text_response

GHL_HEADERS = {"Authorization": f"Bearer {SANDBOX_GHL_TOKEN}", "Version": "2021-07-28"}
LOCATION = SANDBOX_GHL_LOCATION_ID


class FakeClock:
    """A clock a test moves by hand (``clock.advance(seconds)``)."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class GHLApi:
    """Requests to the GHL sandbox with the headers every GHL call needs."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update(GHL_HEADERS)

    def get(self, path: str, **params) -> requests.Response:
        return self.session.get(self.base_url + path, params=params, timeout=10)

    def post(self, path: str, body) -> requests.Response:
        return self.session.post(self.base_url + path, json=body, timeout=10)

    def put(self, path: str, body) -> requests.Response:
        return self.session.put(self.base_url + path, json=body, timeout=10)


@dataclass
class Receiver:
    """A loopback HTTP server recording every request; answers ``status`` with ``body``."""

    status: int = 200
    body: str = "<Response/>"
    requests: list[Request] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)
    server: SandboxHTTPServer | None = None

    def __call__(self, request: Request) -> Response:
        with self.cond:
            self.requests.append(request)
            self.cond.notify_all()
        return text_response(self.body, self.status, content_type="text/xml")

    def url(self, path: str = "/hook") -> str:
        return self.server.url + path

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Request]:
        """The first ``count`` requests, once they have arrived (fails after ``timeout``)."""
        with self.cond:
            arrived = self.cond.wait_for(lambda: len(self.requests) >= count, timeout)
        assert arrived, f"expected {count} requests, got {len(self.requests)}"
        return self.requests[:count]


class SandboxTwilioHttpClient(TwilioHttpClient):
    """twilio-python's documented extension point, a custom HTTP client, sending what the
    library addresses to https://api.twilio.com to the sandbox instead."""

    def __init__(self, api_base_url: str):
        super().__init__()
        self.api_base_url = api_base_url

    def request(self, method, url, *args, **kwargs):
        url = url.replace("https://api.twilio.com", self.api_base_url, 1)
        return super().request(method, url, *args, **kwargs)
