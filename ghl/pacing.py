"""Pacing GHL calls from the ``X-RateLimit-*`` headers GHL sends with every answer.

GHL allows a burst of ``X-RateLimit-Max`` requests per ``X-RateLimit-Interval-Milliseconds``
(100 per 10 s today) and reports what is left in ``X-RateLimit-Remaining``. Nothing here is
hard-coded: until the first answer arrives requests go out unpaced; after it, a ``Pacer``
keeps the times of its own recent requests (a sliding window, as GHL counts) and also trusts
GHL's ``Remaining`` for the part of the budget other processes spent. A request that would
exceed either waits until the oldest request in the window has left it.

One ``Pacer`` per token and base URL is shared by every thread of the process
(``shared_pacer``): the limit is per app and location, not per client object. Across
processes and machines, ``SharedBudget`` counts the same burst (``X-RateLimit-Max`` per
interval; GHL's documented 100 per 10 s until an answer has said) and the daily allowance
(``GHL_DAILY_LIMIT``, 200,000) in ``config.budgets`` (Redis or PostgreSQL), so two workers
together stay inside them. When the day's allowance is spent, ``DailyAllowanceSpent`` says how
long until it renews instead of holding a worker for hours.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from config import budgets
from config.budgets import Window

# GHL's documented burst (requests, seconds), used until its headers have said otherwise.
DEFAULT_BURST = (100, 10.0)
DAY = 86_400.0  # the daily allowance is counted per UTC day (when GHL renews it: unconfirmed)


class DailyAllowanceSpent(Exception):
    """Every process together has made the day's allowed requests."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"the daily allowance of GHL requests is spent; it renews in "
                         f"{retry_after:.0f}s")
        self.retry_after = retry_after


class SharedBudget:
    """The burst and daily budgets of one app and location, counted by every process."""

    def __init__(self, key: str, daily_limit: int) -> None:
        self.key, self.daily_limit = key, daily_limit

    def burst_wait(self, limits: Limits | None) -> float:
        """0 when one more request fits in the burst window (it is counted), else the
        seconds until the window ends."""
        maximum, interval = (limits.maximum, limits.interval) if limits else DEFAULT_BURST
        return Window(f"{self.key}:burst:{maximum}:{interval:g}", maximum, interval).take()

    def take_daily(self) -> None:
        """Count one request against the day; ``DailyAllowanceSpent`` when it is over."""
        wait = Window(f"{self.key}:day", self.daily_limit, DAY).take()
        if wait:
            raise DailyAllowanceSpent(wait)


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
        try:  # optional: a missing or unreadable one (str.isdigit admits "²") is ignored
            daily_remaining = int(headers["X-RateLimit-Daily-Remaining"])
        except (KeyError, TypeError, ValueError):
            daily_remaining = None
        if daily_remaining is not None and daily_remaining < 0:
            daily_remaining = None
        if maximum < 1 or interval <= 0:
            return None
        return cls(maximum, interval, max(remaining, 0), daily_remaining)


class Pacer:
    """Thread-safe: ``acquire()`` before each request, ``observe(headers)`` after it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 shared: SharedBudget | None = None):
        self._clock, self._sleep = clock, sleep
        self.shared = shared
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()
        self.limits: Limits | None = None
        self._remaining_seen_at = 0.0
        self._sent_since_seen = 0
        self.waited = 0.0  # seconds spent waiting, for progress displays and tests

    def acquire(self) -> None:
        """Block until one more request fits in the window (this process's and, with a
        ``shared`` budget, every process's), then count it. ``DailyAllowanceSpent`` when
        the day's shared allowance is used up."""
        while True:
            with self._lock:
                wait = self._wait_needed(self._clock())
                if wait <= 0:
                    self._sent.append(self._clock())
                    self._sent_since_seen += 1
                    break
                self.waited += wait
            self._sleep(wait)
        if self.shared is not None:
            while (wait := self.shared.burst_wait(self.limits)) > 0:
                self.waited += wait
                self._sleep(wait)
            self.shared.take_daily()

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
    never holds the secret itself), counting in the shared budgets when there is a shared
    store (``config.budgets``)."""
    from django.conf import settings

    digest = hashlib.sha256(token.encode()).hexdigest()
    key = base_url + "|" + digest
    with _PACERS_LOCK:
        if key not in _PACERS:
            shared = SharedBudget(f"ghl:{digest[:16]}", settings.GHL_DAILY_LIMIT) \
                if budgets.default_backend().shared else None
            _PACERS[key] = Pacer(shared=shared)
        return _PACERS[key]
