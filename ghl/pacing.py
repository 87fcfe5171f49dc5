"""Pacing GHL calls from the ``X-RateLimit-*`` headers GHL sends with every answer.

GHL allows a burst of ``X-RateLimit-Max`` requests per ``X-RateLimit-Interval-Milliseconds``
(100 per 10 s today) and reports what is left in ``X-RateLimit-Remaining``. Nothing here is
hard-coded: until the first answer arrives requests go out unpaced; after it, a ``Pacer``
keeps the times of its own recent requests (a sliding window, as GHL counts) and also trusts
GHL's ``Remaining`` for the part of the budget other processes spent. A request that would
exceed either waits until the oldest request in the window has left it.

One ``Pacer`` per token and base URL is shared by every thread of the process
(``shared_pacer``): the limit is per app and location, not per client object.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    maximum: int
    interval: float        # seconds
    remaining: int
    daily_remaining: int | None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Limits | None:
        """The limits an answer reports, or None when it carries no (readable) headers."""
        try:
            maximum = int(headers["X-RateLimit-Max"])
            interval = int(headers["X-RateLimit-Interval-Milliseconds"]) / 1000
            remaining = int(headers["X-RateLimit-Remaining"])
        except (KeyError, TypeError, ValueError):
            return None
        daily = headers.get("X-RateLimit-Daily-Remaining")
        daily_remaining = int(daily) if daily and daily.isdigit() else None
        if maximum < 1 or interval <= 0:
            return None
        return cls(maximum, interval, max(remaining, 0), daily_remaining)


class Pacer:
    """Thread-safe: ``acquire()`` before each request, ``observe(headers)`` after it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()
        self.limits: Limits | None = None
        self._remaining_seen_at = 0.0
        self._sent_since_seen = 0
        self.waited = 0.0  # seconds spent waiting, for progress displays and tests

    def acquire(self) -> None:
        """Block until one more request fits in the window, then count it."""
        while True:
            with self._lock:
                wait = self._wait_needed(self._clock())
                if wait <= 0:
                    self._sent.append(self._clock())
                    self._sent_since_seen += 1
                    return
                self.waited += wait
            self._sleep(wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        limits = Limits.from_headers(headers)
        if limits is None:
            return
        with self._lock:
            self.limits = limits
            self._remaining_seen_at = self._clock()
            self._sent_since_seen = 0

    def _wait_needed(self, now: float) -> float:
        limits = self.limits
        if limits is None:
            return 0.0
        while self._sent and now - self._sent[0] >= limits.interval:
            self._sent.popleft()
        ours_left = limits.maximum - len(self._sent)
        # GHL's own count, less what we sent since it was reported; it goes stale after one
        # interval (every request it counted has left the window by then).
        reported_left = limits.remaining - self._sent_since_seen
        if now - self._remaining_seen_at >= limits.interval:
            reported_left = ours_left
        if min(ours_left, reported_left) > 0:
            return 0.0
        if self._sent:
            return max(self._sent[0] + limits.interval - now, 0.001)
        return max(self._remaining_seen_at + limits.interval - now, 0.001)


_PACERS: dict[str, Pacer] = {}
_PACERS_LOCK = threading.Lock()


def shared_pacer(base_url: str, token: str) -> Pacer:
    """The process-wide pacer for one token at one base URL (the token is hashed: the key
    never holds the secret itself)."""
    key = base_url + "|" + hashlib.sha256(token.encode()).hexdigest()
    with _PACERS_LOCK:
        return _PACERS.setdefault(key, Pacer())
