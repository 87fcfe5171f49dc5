"""OAuth client-credentials tokens and the per-app request rate limit.

``POST /connect/token`` issues bearer tokens valid for ``token_ttl`` seconds of the sandbox
clock (ServiceTitan: 900). There are no refresh tokens. ``expire_all`` invalidates every
issued token at once, as when a token expires in the middle of a long sync.
"""

from __future__ import annotations

import math
import secrets
from collections import deque

from sandbox.http import Request, Response, json_response
from sandbox.servicetitan.problems import problem
from sandbox.servicetitan.timefmt import SECOND

SCOPE = ("tn.crm tn.jpm tn.dispatch tn.settings tn.sales tn.accounting tn.equipmentsystems "
         "tn.marketing tn.memberships")


class Tokens:
    def __init__(self) -> None:
        self._expiry: dict[str, int] = {}

    def issue(self, now: int, ttl: float) -> str:
        token = secrets.token_urlsafe(32)
        self._expiry[token] = now + int(ttl * SECOND)
        return token

    def valid(self, token: str, now: int) -> bool:
        return now < self._expiry.get(token, now)

    def expire_all(self) -> None:
        self._expiry.clear()


def token_endpoint(request: Request, tokens: Tokens, credentials: tuple[str, str],
                   now: int, ttl: float) -> Response:
    """The OAuth token endpoint; errors as OAuth 2.0 spells them (``{"error": ...}``)."""
    if request.method != "POST":
        return json_response({"error": "invalid_request",
                              "error_description": "use POST"}, status=405)
    try:
        form = request.form()
    except UnicodeDecodeError:
        return json_response({"error": "invalid_request",
                              "error_description": "the form is not UTF-8"}, status=400)
    if form.get("grant_type") != "client_credentials":
        return json_response({"error": "unsupported_grant_type"}, status=400)
    if (form.get("client_id"), form.get("client_secret")) != credentials:
        return json_response({"error": "invalid_client"}, status=400)
    token = tokens.issue(now, ttl)
    body = {"access_token": token, "expires_in": int(ttl), "token_type": "Bearer",
            "scope": SCOPE}
    return json_response(body, headers={"Cache-Control": "no-store"})


def authenticate(request: Request, tokens: Tokens, app_key: str, now: int) -> Response | None:
    """None when the request carries a valid bearer token and the app key; else a 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return _unauthorized("Authorization", "A bearer token is required.")
    if not tokens.valid(token.strip(), now):
        return _unauthorized("Authorization", "The access token is invalid or has expired.")
    if request.headers.get("st-app-key") != app_key:
        return _unauthorized("ST-App-Key", "The ST-App-Key header is missing or not valid.")
    return None


def _unauthorized(field: str, message: str) -> Response:
    return problem(401, {field: [message]}, headers={"WWW-Authenticate": "Bearer"})


class RateLimiter:
    """At most ``limit`` requests in any ``window`` seconds (a sliding window)."""

    def __init__(self) -> None:
        self._hits: deque[int] = deque()

    def retry_after(self, now: int, limit: int, window: float) -> int | None:
        """Seconds to wait when over the limit (the request is then not counted), else None
        (and the request is counted)."""
        span = int(window * SECOND)
        while self._hits and self._hits[0] <= now - span:
            self._hits.popleft()
        if len(self._hits) >= limit:
            return max(1, math.ceil((self._hits[0] + span - now) / SECOND))
        self._hits.append(now)
        return None


class Seconds:
    """The API requests that arrived in each second of the wall clock, refused ones too (what
    ServiceTitan would see), and the busiest such second since the last reset."""

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}
        self.busiest: tuple[int, int] = (0, 0)   # (requests, epoch second)
        self.refused = 0

    def arrived(self, at: float) -> None:
        second = int(at)
        count = self._counts.get(second, 0) + 1
        self._counts[second] = count
        if count > self.busiest[0]:
            self.busiest = (count, second)
        if len(self._counts) > 120:  # only the running maximum needs the past
            for old in sorted(self._counts)[:-60]:
                del self._counts[old]
