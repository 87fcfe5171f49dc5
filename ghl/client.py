"""The one HTTP choke point for GoHighLevel (LeadConnector API v2).

Every call carries ``Authorization: Bearer <token>`` and ``Version: 2021-07-28``, is paced
from GHL's ``X-RateLimit-*`` headers and the burst and daily budgets every process shares
(``ghl.pacing``), and is retried with backoff on 429 (honouring ``Retry-After``), 408, 5xx and
connection errors (``config.vendor_http``). Every failure is one ``GHLError`` (a
``VendorError``) with ``.status`` (None when nothing answered), ``.message`` (GHL's own
message) and ``.retryable`` (whether a later attempt may succeed).

The location id travels in the body or the query, never in a header (GHL's rule); callers
add it, because its name differs by endpoint (``locationId`` / ``location_id``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import requests
from django.conf import settings

from config.vendor_http import Backoff, VendorError, call_with_retries, error_fields
from ghl.pacing import DailyAllowanceSpent, Pacer, shared_pacer

log = logging.getLogger(__name__)

API_VERSION = "2021-07-28"
TIMEOUT = (5, 30)  # connect, read (seconds)
# A Retry-After longer than this means the daily allowance is spent: waiting inside one call
# would hold a worker for hours, so the error goes back to the caller (retryable) instead.
MAX_RETRY_AFTER = 120.0
# Equal jitter: 0.5–1 × 1, 2, 4 … 30 seconds.
BACKOFF = Backoff(jitter_floor=0.5, give_up_beyond=MAX_RETRY_AFTER)


class GHLError(VendorError):
    """A GHL call failed. ``status`` is the HTTP status (None: no answer at all),
    ``message`` GHL's own message."""

    def __init__(self, status: int | None, message: str, *, retryable: bool,
                 method: str = "", path: str = "", retry_after: float | None = None):
        super().__init__(message, status=status, retryable=retryable, retry_after=retry_after)
        self.method, self.path = method, path

    def __str__(self) -> str:
        where = f"{self.method} {self.path}: " if self.method else ""
        return f"GHL {where}{self.status or 'no answer'}: {self.message}"


def error_message(response: requests.Response) -> str:
    """GHL's ``message`` (a text, or class-validator's list of texts), else the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason or "no message"
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, list):
        return "; ".join(str(item) for item in message)
    return str(message or body)[:300]


def record(answer: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    """``answer[key]`` as a record with an id, or a ``GHLError`` saying GHL's answer was not
    what its spec promises (rather than a KeyError deep inside a service)."""
    value = answer.get(key)
    if not isinstance(value, dict) or not value.get("id"):
        raise GHLError(None, f"the answer has no {key} with an id", retryable=False, path=path)
    return value


class GHLClient:
    """``get``/``post``/``put`` return the parsed JSON body (``{}`` when there is none)."""

    def __init__(self, *, session: requests.Session | None = None, pacer: Pacer | None = None,
                 max_attempts: int = 5, sleep: Callable[[float], None] = time.sleep):
        config = settings.GHL
        self.enabled, self.turned_off = config.enabled, config.turned_off
        self.base_url, self._token = config.base_url.rstrip("/"), config.token
        self.location_id, self.pipeline_id = config.location_id, config.pipeline_id
        self.session = session or requests.Session()
        self.pacer = pacer or shared_pacer(self.base_url, self._token)
        self.max_attempts, self._sleep = max_attempts, sleep

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any], *, idempotent: bool = True
             ) -> dict[str, Any]:
        """``idempotent=False`` for a create that must not happen twice: only a 429 (refused
        before GHL did anything) is retried; a timeout or 5xx may have created the record, so
        it is raised (retryable) for the caller to look before trying again."""
        return self.request("POST", path, json=body, idempotent=idempotent)

    def put(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("PUT", path, json=body)

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json: dict[str, Any] | None = None, idempotent: bool = True) -> dict[str, Any]:
        if not self.enabled:  # GHL_ENABLED=false: nothing is sent
            raise GHLError(None, self.turned_off, retryable=False, method=method, path=path)
        headers = {"Authorization": f"Bearer {self._token}", "Version": API_VERSION,
                   "Accept": "application/json"}
        params = {k: v for k, v in (params or {}).items() if v is not None}

        def attempt() -> dict[str, Any]:
            try:
                self.pacer.acquire()
            except DailyAllowanceSpent as spent:  # retryable, but not within this call
                raise GHLError(429, str(spent), retryable=True, method=method, path=path,
                               retry_after=spent.retry_after) from None
            try:
                response = self.session.request(method, self.base_url + path, params=params,
                                                json=json, headers=headers, timeout=TIMEOUT)
            except requests.RequestException as exc:
                raise GHLError(None, f"{exc.__class__.__name__}: {exc}", retryable=True,
                               method=method, path=path) from exc
            self.pacer.observe(response.headers)
            if response.status_code >= 400:
                raise GHLError(response.status_code, error_message(response), method=method,
                               path=path, **error_fields(response))
            return self._body(response, method, path)

        # A create that may have happened (a timeout, a 5xx) is not repeated blind: only a
        # 429, refused before GHL did anything, is.
        return call_with_retries(attempt, attempts=self.max_attempts, backoff=BACKOFF,
                                 retry_if=lambda error: error.retryable
                                 and (idempotent or error.status == 429),
                                 before_retry=self._retrying, sleep=self._sleep)

    def _retrying(self, error: VendorError, attempt: int, wait: float) -> None:
        log.warning("%s; attempt %d of %d, retrying in %.1fs", error, attempt,
                    self.max_attempts, wait)

    @staticmethod
    def _body(response: requests.Response, method: str, path: str) -> dict[str, Any]:
        if not response.content:
            return {}
        try:
            body = response.json()
        except ValueError:
            raise GHLError(response.status_code, "the answer is not JSON", retryable=False,
                           method=method, path=path) from None
        if not isinstance(body, dict):
            raise GHLError(response.status_code, "the answer is not a JSON object",
                           retryable=False, method=method, path=path)
        return body
