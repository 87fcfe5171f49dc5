"""A token bucket shared by every thread that calls ServiceTitan from this process.

ServiceTitan allows 60 calls per second per app and tenant. The bucket holds at most
``burst`` tokens and refills at ``rate`` per second; with ``burst=1`` (the default) calls are
spaced ``1/rate`` apart, so no one-second window, wherever it starts, sees more than ``rate``
calls (a larger burst would let a window see ``burst + rate``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


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
