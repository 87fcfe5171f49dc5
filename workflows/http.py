"""The one HTTP choke point for outgoing webhooks (the ``http_request`` step).

Every request carries the step's ``Idempotency-Key`` header, so a receiver can recognise a
re-sent request after a crash. Errors say whether a retry can help: connection problems,
timeouts, 408, 429 and 5xx are transient; any other 4xx is permanent. Log lines show the
method, host and path only (query strings may hold tokens).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from workflows.steps.base import PermanentStepError, TransientStepError

log = logging.getLogger(__name__)
_session = requests.Session()
_TRANSIENT_STATUSES = {408, 425, 429}
MAX_BODY_CHARS = 4000


@dataclass(frozen=True)
class WebhookResponse:
    status: int
    body: Any          # parsed JSON, else text (truncated)


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:MAX_BODY_CHARS]


def send(method: str, url: str, *, body: Any = None, headers: dict[str, str] | None = None,
         idempotency_key: str, timeout: float = 10.0) -> WebhookResponse:
    """Send one request; returns the response for 2xx/3xx, raises a step error otherwise."""
    headers = {"User-Agent": "PerfectCatch-Workflows/1", **(headers or {}),
               "Idempotency-Key": idempotency_key}
    data = None
    if body is not None and method != "GET":
        data = json.dumps(body).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
    try:
        response = _session.request(method, url, data=data, headers=headers, timeout=timeout)
    except requests.RequestException as exc:
        log.warning("webhook %s %s failed: %s", method, _where(url), exc.__class__.__name__)
        raise TransientStepError(f"{method} {_where(url)}: {exc.__class__.__name__}") from exc
    log.info("webhook %s %s → %s", method, _where(url), response.status_code)
    if response.status_code >= 500 or response.status_code in _TRANSIENT_STATUSES:
        raise TransientStepError(f"{method} {_where(url)} answered {response.status_code}")
    if response.status_code >= 400:
        raise PermanentStepError(f"{method} {_where(url)} answered {response.status_code}: "
                                 f"{str(_body(response))[:300]}")
    return WebhookResponse(response.status_code, _body(response))
