"""The GoHighLevel (LeadConnector API v2) sandbox: ``GHLSandbox(seed=1, **options)``.

Every API call needs ``Authorization: Bearer SANDBOX_GHL_TOKEN`` and ``Version: 2021-07-28``,
is counted against the rate limits (``X-RateLimit-*`` headers on every answer past the
token check, 429 past the burst) and lands in the request log. Paths are those of
``https://services.leadconnectorhq.com`` (the ``/ghl`` mount is stripped before ``handle``).
The control API (``control.py``) lets tests and the demo act as GHL staff.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from sandbox.credentials import SANDBOX_GHL_LOCATION_ID, SANDBOX_GHL_TOKEN
from sandbox.ghl import contacts, conversations, opportunities
from sandbox.ghl.control import GHLControl
from sandbox.ghl.data import build_dataset
from sandbox.ghl.ratelimit import RateLimiter
from sandbox.ghl.store import GHLError, GHLState
from sandbox.ghl.validation import SCHEMAS, validate
from sandbox.http import Request, Response, json_response
from sandbox.support import BackgroundSender, RequestLog

API_VERSION = "2021-07-28"

ROUTES: list[tuple[str, str, Callable[..., tuple[int, dict[str, Any]]]]] = [
    ("POST", r"/contacts/search", contacts.search),
    ("POST", r"/contacts/upsert", contacts.upsert),
    ("GET", r"/contacts/(?P<contact_id>[^/]+)", contacts.get),
    ("PUT", r"/contacts/(?P<contact_id>[^/]+)", contacts.update),
    ("GET", r"/users/?", contacts.users),
    ("GET", r"/opportunities/pipelines", opportunities.pipelines),
    ("GET", r"/opportunities/search", opportunities.search),
    ("POST", r"/opportunities/?", opportunities.create),
    ("GET", r"/opportunities/(?P<opportunity_id>[^/]+)", opportunities.get),
    ("PUT", r"/opportunities/(?P<opportunity_id>[^/]+)", opportunities.update),
    ("DELETE", r"/opportunities/(?P<opportunity_id>[^/]+)", opportunities.delete),
    ("PUT", r"/opportunities/(?P<opportunity_id>[^/]+)/status", opportunities.update_status),
    ("GET", r"/conversations/search", conversations.search),
    ("POST", r"/conversations/messages/inbound", conversations.add_inbound),
    ("PUT", r"/conversations/messages/(?P<message_id>[^/]+)/status",
     conversations.update_status),
    ("GET", r"/conversations/(?P<conversation_id>[^/]+)/messages", conversations.messages),
    ("POST", r"/conversations/?", conversations.create),
]
_COMPILED = [(method, re.compile(pattern + r"\Z"), handler) for method, pattern, handler in ROUTES]


@dataclass
class GHLOptions:
    contacts: int = 300
    opportunities: int = 150
    rate_limit_max: int = 100              # requests per interval (GHL: 100 per 10 s)
    rate_limit_interval_ms: int = 10_000
    daily_limit: int = 200_000
    allow_duplicate_opportunities: bool = True  # the location setting; off: one per pipeline
    webhook_url: str | None = None          # where staff changes (and API changes) are sent
    webhook_signature: str = "both"         # ed25519 | rsa | both | none | bad
    webhooks_for_api_changes: bool = False  # GHL also fires events for API changes (async)
    provider_url: str | None = None         # the SMS provider's delivery URL (rep replies)
    clock: Callable[[], float] = field(default=time.time, repr=False)

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


class GHLSandbox(GHLControl):
    mount = "/ghl"

    def __init__(self, seed: int = 1, **options: Any):
        self.seed = seed
        self._initial_options = options
        GHLOptions(**options)  # unknown option names fail here, at construction
        self._sender = BackgroundSender("ghl-webhooks")
        self.reset()

    def reset(self) -> None:
        """Back to the initial data and options; drops changes, logs and queued webhooks."""
        self._sender.close()
        self._sender = BackgroundSender("ghl-webhooks")
        self.options = GHLOptions(**self._initial_options)
        dataset = build_dataset(self.seed, self.options.contacts, self.options.opportunities)
        self.state = GHLState(dataset, self.seed, self.options.clock)
        self.limiter = self._new_limiter()
        self.log = RequestLog()
        self.deliveries: list[dict[str, Any]] = []

    def _new_limiter(self) -> RateLimiter:
        return RateLimiter(self.options.rate_limit_max, self.options.rate_limit_interval_ms,
                           self.options.daily_limit, self.options.clock)

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_control/"):
            return self.control(request)
        response = self._serve(request)
        self.log.record(request, response)
        return response

    def _serve(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {SANDBOX_GHL_TOKEN}":
            error = GHLError(401, "Invalid token: access token is invalid")  # UnauthorizedDTO
            return json_response(error.body(), error.status)
        verdict = self.limiter.take()  # per token: counted once the token is known
        if not verdict.allowed:
            # 429 body and Retry-After are unconfirmed at GHL; the sandbox sends both.
            body = GHLError(429, "Too many requests, please try again later.").body()
            return json_response(body, 429, {**verdict.headers,
                                             "Retry-After": str(verdict.retry_after)})
        try:
            self._check_version(request)
            status, body = self._route(request)
        except GHLError as error:
            status, body = error.status, error.body()
        return json_response(body, status, verdict.headers)

    def _check_version(self, request: Request) -> None:
        # What GHL answers to a missing or wrong Version is unconfirmed: 400 with a reason.
        version = request.headers.get("version")
        if version is None:
            raise GHLError(400, "Version header was not found")
        if version != API_VERSION:
            raise GHLError(400, f"Version header must be {API_VERSION}, not {version!r}")

    def _route(self, request: Request) -> tuple[int, dict[str, Any]]:
        for method, pattern, handler in _COMPILED:
            match = pattern.match(request.path)
            if match and method == request.method:
                return handler(self, request, **match.groupdict())
        raise GHLError(404, f"Cannot {request.method} {request.path}")  # NestJS's wording

    # --- helpers for the handlers ----------------------------------------------------------
    def json_body(self, request: Request, schema: str) -> dict[str, Any]:
        """The request's JSON body, valid against ``schema`` and for this location."""
        try:
            body = request.json()
        except (UnicodeDecodeError, ValueError):
            raise GHLError(400, "Request body is not valid JSON") from None
        errors = validate(schema, body)
        if errors:
            raise GHLError(422, errors)
        if "locationId" in SCHEMAS[schema].get("properties", {}):
            self.require_location(body.get("locationId"), "locationId")
        return body

    def require_location(self, location_id: str | None, name: str) -> None:
        if not location_id:
            raise GHLError(422, [f"{name} should not be empty"])
        if location_id != SANDBOX_GHL_LOCATION_ID:
            # The sub-account token only reaches its own location (message as GHL words it
            # in public reports; unconfirmed).
            raise GHLError(403, "The token does not have access to this location.")

    def api_changed(self, events: list[str], record: dict[str, Any], kind: str) -> None:
        """GHL fires webhooks for changes made through the API too, asynchronously."""
        if events and self.options.webhooks_for_api_changes and self.options.webhook_url:
            self._sender.submit(lambda: self._notify(events, record, kind))
