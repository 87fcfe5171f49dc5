"""What every vendor client shares: one error vocabulary and one retry loop.

    VendorError("503 Service Unavailable", status=503, retryable=True, retry_after=7.0)
    retryable_status(503)              True: 408, 425, 429 and 5xx (a client may add its own)
    parse_retry_after("7")             7.0; an HTTP date gives the seconds until then
    error_fields(response)             {"retryable": …, "retry_after": …} of an error answer
    Backoff(jitter_floor=0.5).wait(3)  exponential backoff with jitter, or what the vendor asked
    call_with_retries(attempt, attempts=5, backoff=Backoff())   attempt() until it succeeds

Each client (``servicetitan.client``, ``ghl.client``, ``messaging.twilio``, the
``http_request`` step's ``workflows.http``) raises its own subclass of ``VendorError``, and
keeps its own rules: which answers are retryable (ServiceTitan's 409 maintenance, Twilio's
queue-full codes), what must not be retried blind (a GHL create after a timeout, a Twilio
text whose outcome is unknown), what to do before the next try (re-read the token).
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests

log = logging.getLogger(__name__)
T = TypeVar("T")

# Answers after which the same request may succeed later (besides every 5xx): a timeout the
# server gave up on, "too early", and rate limits.
RETRYABLE_STATUSES = frozenset({408, 425, 429})
_SECONDS = re.compile(r"^\s*(\d{1,10})(\.\d+)?\s*$")


class VendorError(Exception):
    """A call to a vendor that failed.

    ``status``: the HTTP status (None when nothing answered). ``retryable``: whether the same
    call may succeed later (by the time a client raises it, its own retries are spent).
    ``retry_after``: the seconds the vendor asked us to wait (``Retry-After``), None when it
    did not say."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message, self.status = message, status
        self.retryable, self.retry_after = retryable, retry_after


def retryable_status(status: int, also: frozenset[int] = frozenset()) -> bool:
    """Whether an answer with this status may be followed by a success: 5xx, 408, 425, 429,
    and the statuses in ``also`` (a vendor's own, such as ServiceTitan's 409 maintenance)."""
    return status >= 500 or status in RETRYABLE_STATUSES or status in also


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """The seconds a ``Retry-After`` header asks for, in either of its forms: a number of
    seconds (``"120"``; a fraction is accepted) or an HTTP date (``"Wed, 21 Oct 2026 07:28:00
    GMT"``, counted from ``now``; a date past gives 0). None when absent or unreadable (a
    negative number, a word, a malformed date): the caller backs off by itself."""
    if not value:
        return None
    if _SECONDS.match(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; obsolete forms may lack the zone
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def error_fields(response: requests.Response, also: frozenset[int] = frozenset()
                 ) -> dict[str, Any]:
    """What an error answer tells a ``VendorError``: whether it is ``retryable`` (its status,
    ``also`` as in ``retryable_status``) and its ``retry_after``."""
    return {"retryable": retryable_status(response.status_code, also),
            "retry_after": parse_retry_after(response.headers.get("Retry-After"))}


@dataclass(frozen=True)
class Backoff:
    """How long to wait before the next try after failed try number ``attempt`` (1-based).

    Without a ``Retry-After``: ``base × 2^attempt`` up to ``cap`` seconds, of which a random
    share between ``jitter_floor`` and 1 (0: "full jitter", 0.5: "equal jitter"), so clients
    that failed together do not come back together. With one: what the vendor asked. Either
    way at most ``longest`` seconds; a vendor asking for more than ``give_up_beyond`` is not
    waited for at all (the error goes back to the caller, still retryable)."""

    base: float = 0.5
    cap: float = 30.0
    jitter_floor: float = 0.0
    longest: float = 300.0
    give_up_beyond: float = math.inf

    def wait(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is None:
            ceiling = min(self.cap, self.base * 2 ** attempt)
            retry_after = ceiling * random.uniform(self.jitter_floor, 1.0)
        return min(retry_after, self.longest)

    def gives_up(self, retry_after: float | None) -> bool:
        return retry_after is not None and retry_after > self.give_up_beyond


def _retryable(error: VendorError) -> bool:
    return error.retryable


def call_with_retries(attempt: Callable[[], T], *, attempts: int, backoff: Backoff,
                      retry_if: Callable[[VendorError], bool] = _retryable,
                      before_retry: Callable[[VendorError, int, float], None] | None = None,
                      sleep: Callable[[float], None] = time.sleep) -> T:
    """``attempt()``'s result, calling it up to ``attempts`` times in all.

    A ``VendorError`` it raises is tried again when ``retry_if(error)`` (by default: the
    error is ``retryable``) and tries are left, after ``backoff.wait`` seconds (honouring
    the error's ``retry_after``); otherwise it is raised as it is. ``before_retry(error,
    failed_tries, wait)`` is called before each wait (count, log). Anything else ``attempt``
    raises goes straight through."""
    tried = 0
    while True:
        try:
            return attempt()
        except VendorError as error:
            tried += 1
            if tried >= attempts or not retry_if(error) or backoff.gives_up(error.retry_after):
                raise
            wait = backoff.wait(tried, error.retry_after)
            if before_retry is not None:
                before_retry(error, tried, wait)
            sleep(wait)
