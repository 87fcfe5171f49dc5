"""The one HTTP choke point for GoHighLevel (LeadConnector API v2).

Every call carries ``Authorization: Bearer <token>`` and ``Version: 2021-07-28``, is paced
from GHL's ``X-RateLimit-*`` headers (``ghl.pacing``, shared by every thread of the process)
and retried with backoff on 429 (honouring ``Retry-After``), 5xx and connection errors. Every
failure is one ``GHLError`` with ``.status`` (None when nothing answered), ``.message`` (GHL's
own message) and ``.retryable`` (whether a later attempt may succeed).

The location id travels in the body or the query, never in a header (GHL's rule); callers
add it, because its name differs by endpoint (``locationId`` / ``location_id``).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

import requests
from django.conf import settings

from ghl.pacing import Pacer, shared_pacer

log = logging.getLogger(__name__)

API_VERSION = "2021-07-28"
TIMEOUT = (5, 30)  # connect, read (seconds)
# A Retry-After longer than this means the daily allowance is spent: waiting inside one call
# would hold a worker for hours, so the error goes back to the caller (retryable) instead.
MAX_RETRY_AFTER = 120.0


class GHLError(Exception):
    """A GHL call failed. ``status`` is the HTTP status (None: no answer at all)."""

    def __init__(self, status: int | None, message: str, *, retryable: bool,
                 method: str = "", path: str = ""):
        self.status, self.message, self.retryable = status, message, retryable
        self.method, self.path = method, path
        where = f"{method} {path}: " if method else ""
        super().__init__(f"GHL {where}{status or 'no answer'}: {message}")


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


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500 or status == 408


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
        for attempt in range(1, self.max_attempts + 1):
            self.pacer.acquire()
            try:
                response = self.session.request(method, self.base_url + path, params=params,
                                                json=json, headers=headers, timeout=TIMEOUT)
            except requests.RequestException as exc:
                error = GHLError(None, f"{exc.__class__.__name__}: {exc}", retryable=True,
                                 method=method, path=path)
                if not idempotent:
                    raise error from exc
                self._backoff(error, attempt, None)
                continue
            self.pacer.observe(response.headers)
            if response.status_code < 400:
                return self._body(response, method, path)
            error = GHLError(response.status_code, error_message(response),
                             retryable=_retryable(response.status_code), method=method, path=path)
            if not error.retryable or (not idempotent and response.status_code != 429):
                raise error
            self._backoff(error, attempt, response.headers.get("Retry-After"))
        raise AssertionError("unreachable")  # _backoff raises on the last attempt

    def _backoff(self, error: GHLError, attempt: int, retry_after: str | None) -> None:
        """Sleep before the next attempt, or raise ``error`` when none is left."""
        delay = self._delay(attempt, retry_after)
        if attempt >= self.max_attempts or delay > MAX_RETRY_AFTER:
            raise error
        log.warning("%s; attempt %d of %d, retrying in %.1fs", error, attempt,
                    self.max_attempts, delay)
        self._sleep(delay)

    @staticmethod
    def _delay(attempt: int, retry_after: str | None) -> float:
        try:
            if retry_after is not None:
                return max(float(retry_after), 0.0)
        except ValueError:
            pass  # an HTTP-date Retry-After: GHL's format is unconfirmed, back off instead
        return min(2 ** (attempt - 1), 30) * (0.5 + random.random() / 2)

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
