"""ServiceTitan's 60 calls a second per app and tenant, kept by every caller together.

``SharedLimiter`` counts in ``config.budgets`` (Redis or PostgreSQL): every process on every
machine takes its calls from one budget. ``RateLimiter`` is the budget of one process (the
embedded SQLite default, and tests that drive it with a fake clock): a token bucket shared by
the threads that call ServiceTitan from this process.

ServiceTitan allows 60 calls per second per app and tenant. The bucket holds at most
``burst`` tokens and refills at ``rate`` per second; with ``burst=1`` (the default) calls are
spaced ``1/rate`` apart, so no one-second window, wherever it starts, sees more than ``rate``
calls (a larger burst would let a window see ``burst + rate``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from config.budgets import Rate

# A call given its slot just before a second ends can reach ServiceTitan just after it: the
# shared budget stays this much under the limit, so such stragglers never push a second over.
IN_FLIGHT_MARGIN = 0.95


class RateLimiter:
    def __init__(self, rate: float, burst: int = 1, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # The time at which the bucket is full again; a call takes 1/rate from it.
        self._full_at = clock()

    def reserve(self) -> float:
        """Take one token and return how long the caller must wait before using it."""
        interval = 1.0 / self.rate
        with self._lock:
            now = self._clock()
            full_at = max(self._full_at, now)
            # The token is usable once at most burst-1 other tokens are still owed.
            ready_at = full_at + interval - self.burst * interval
            self._full_at = full_at + interval
        return max(0.0, ready_at - now)

    def acquire(self) -> float:
        """Block until a call may go out; returns the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


class SharedLimiter:
    """The limit of one app and tenant, shared by every process (``config.budgets.Rate``):
    calls are spaced ``1 / (rate × IN_FLIGHT_MARGIN)`` apart across all of them."""

    def __init__(self, rate: float, key: str, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        self.rate = rate
        self.budget = Rate(key, rate * IN_FLIGHT_MARGIN)
        self._sleep = sleep

    def acquire(self) -> float:
        """Block until a call may go out; returns the seconds waited."""
        return self.budget.acquire(sleep=self._sleep)
