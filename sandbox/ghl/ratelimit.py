"""GHL's rate limits: a burst of N requests per sliding interval plus a daily allowance.

GHL allows 100 requests per 10 seconds and 200,000 a day per app and location, and reports
them in ``X-RateLimit-*`` headers on every response. Both numbers are configurable so tests
can hit the limit quickly; the clock is injectable so they can do it without waiting.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    headers: dict[str, str]
    retry_after: int = 0  # seconds, when not allowed


class RateLimiter:
    def __init__(self, burst_max: int, interval_ms: int, daily_max: int,
                 clock: Callable[[], float]):
        if burst_max < 1 or interval_ms < 1 or daily_max < 1:
            raise ValueError("rate limits must be positive")
        self.burst_max, self.interval_ms, self.daily_max = burst_max, interval_ms, daily_max
        self._clock = clock
        self._recent: deque[float] = deque()
        self._day, self._day_count = -1, 0
        self._lock = threading.Lock()

    def take(self) -> Verdict:
        """Count one request if the limits allow it; the headers say what is left either way."""
        with self._lock:
            now = self._clock()
            while self._recent and now - self._recent[0] >= self.interval_ms / 1000:
                self._recent.popleft()
            day = int(now // 86400)
            if day != self._day:
                self._day, self._day_count = day, 0
            allowed = len(self._recent) < self.burst_max and self._day_count < self.daily_max
            if allowed:
                self._recent.append(now)
                self._day_count += 1
            return Verdict(allowed, self._headers(), 0 if allowed else self._retry_after(now))

    def _headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Max": str(self.burst_max),
            "X-RateLimit-Remaining": str(self.burst_max - len(self._recent)),
            "X-RateLimit-Interval-Milliseconds": str(self.interval_ms),
            "X-RateLimit-Daily-Max": str(self.daily_max),
            "X-RateLimit-Daily-Remaining": str(self.daily_max - self._day_count),
        }

    def _retry_after(self, now: float) -> int:
        if self._day_count >= self.daily_max:
            return math.ceil((self._day + 1) * 86400 - now)
        return max(1, math.ceil(self._recent[0] + self.interval_ms / 1000 - now))
