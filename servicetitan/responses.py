"""Reading ServiceTitan's answers: JSON bodies, RFC 7807 problems, and the one exception every
failure becomes (a ``config.vendor_http.VendorError``)."""

from __future__ import annotations

import json
from typing import Any

import orjson
import requests

from config.vendor_http import VendorError

# A run of 19+ digits may be a number beyond 64 bits, which orjson would turn into a float.
# Finding one: every digit becomes \x01, then a plain substring search (both run in C; a
# regular expression takes as long as the JSON decoding itself). A run inside a string only
# costs a slower, still exact, decode.
_DIGITS = bytes.maketrans(b"0123456789", b"\x01" * 10)
_LONG_RUN = b"\x01" * 19


class ServiceTitanError(VendorError):
    """A call that failed. ``retryable``: whether trying again later could help (429, 5xx,
    maintenance, connection errors) — by the time this is raised the client's own retries
    are spent. ``endpoint`` is the path called (or "token")."""

    def __init__(self, message: str, *, status: int | None = None, endpoint: str = "",
                 retryable: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message, status=status, retryable=retryable, retry_after=retry_after)
        self.endpoint = endpoint

    def __str__(self) -> str:
        if self.endpoint == "token":
            return f"token request: {self.message}"
        return f"GET {self.endpoint}: {self.message}" if self.endpoint else self.message


def parse_body(content: bytes) -> Any:
    """Decode JSON exactly: orjson when safe (fast), the standard library when the body holds
    integers too long for 64 bits (kept exact there). ``ValueError`` when not JSON."""
    if _LONG_RUN in content.translate(_DIGITS):
        return json.loads(content)
    return orjson.loads(content)


def problem_text(response: requests.Response, limit: int = 300) -> str:
    """A short reason from an error response: the RFC 7807 title and field errors, OAuth's
    ``error``, or the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return (response.reason or response.text[:limit]).strip()
    if not isinstance(body, dict):
        return str(body)[:limit]
    parts = [str(body.get("title") or body.get("error") or response.reason or "")]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts += [f"{field}: {'; '.join(map(str, messages))}" if isinstance(messages, list)
                  else f"{field}: {messages}" for field, messages in errors.items()]
    return " — ".join(part for part in parts if part)[:limit]
