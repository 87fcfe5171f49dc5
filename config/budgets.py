"""Vendor request budgets shared by every process on every machine.

A vendor's limit is per app and tenant, not per process: two worker machines that each pace
themselves to 60 requests a second together send 120. So the budgets are counted where every
machine sees them: in Redis when ``REDIS_URL`` is set (production), else in PostgreSQL (table
``rate_budgets``), and only on the embedded SQLite default — one host, one process doing the
syncs — in this process. Time is the store's own clock (Redis ``TIME``, PostgreSQL
``clock_timestamp()``), so machines whose clocks disagree still count the same windows.

Two kinds of budget:

- ``Rate(key, per_second)``: a token bucket holding one token (GCRA): every request reserves
  the next free slot, ``1/per_second`` after the previous one, and waits for it. A second,
  wherever it starts, holds ``per_second`` slots (one more on its very edge); waiters are
  served in order, and each costs one round trip. ServiceTitan's 60 a second.
- ``Window(key, limit, seconds)``: a counter per fixed window (``floor(now / seconds)``): the
  ``limit + 1``-th request of a window is refused with the seconds until the window ends.
  GHL's burst (``X-RateLimit-Max`` per ``X-RateLimit-Interval-Milliseconds``) and daily limit.

Counting never happens inside the caller's transaction (PostgreSQL: a connection of its own in
autocommit), so a budget row is never held locked while a page is being written.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import psycopg
from django.conf import settings
from django.db import connections

# Redis keys live this long past their use, so a slow caller still finds its window.
EXPIRY_GRACE_MS = 1000


class Backend(Protocol):
    shared: bool  # counted across processes and machines

    def reserve(self, key: str, interval: float) -> float:
        """Reserve the next slot of ``key`` (one per ``interval`` seconds); the seconds until
        it comes (0 when it is now)."""

    def count(self, key: str, seconds: float) -> tuple[int, float]:
        """Count one request in ``key``'s current window of ``seconds``: (requests counted in
        it so far, this one included; seconds until it ends)."""


@dataclass(frozen=True)
class Rate:
    key: str
    per_second: float

    def acquire(self, *, backend: Backend | None = None,
                sleep: Callable[[float], None] = time.sleep) -> float:
        """Block until this request's slot; returns the seconds waited."""
        wait = (backend or default_backend()).reserve(self.key, 1.0 / self.per_second)
        if wait > 0:
            sleep(wait)
        return max(wait, 0.0)


@dataclass(frozen=True)
class Window:
    key: str
    limit: int
    seconds: float

    def take(self, *, backend: Backend | None = None) -> float:
        """0 when this request fits in the current window (it is counted), else the seconds
        until the window ends (the next one may have room)."""
        used, left = (backend or default_backend()).count(self.key, self.seconds)
        return 0.0 if used <= self.limit else max(left, 0.001)


# --- Redis ---------------------------------------------------------------------------------
_RESERVE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
redis.call('SET', KEYS[1], string.format('%.6f', tat + interval), 'PX',
           math.ceil((tat + interval - now) * 1000) + tonumber(ARGV[2]))
return string.format('%.6f', tat - now)
"""
_COUNT_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local seconds = tonumber(ARGV[1])
local index = math.floor(now / seconds)
local key = KEYS[1] .. ':' .. string.format('%d', index)
local used = redis.call('INCR', key)
if used == 1 then
  redis.call('PEXPIRE', key, math.ceil(seconds * 1000) + tonumber(ARGV[2]))
end
return {used, string.format('%.6f', (index + 1) * seconds - now)}
"""


class RedisBackend:
    """Each call is one atomic script (redis-py reconnects after a fork by itself)."""

    shared = True

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.prefix = prefix
        self.client = redis.Redis.from_url(url)
        self._reserve = self.client.register_script(_RESERVE_LUA)
        self._count = self.client.register_script(_COUNT_LUA)

    def reserve(self, key: str, interval: float) -> float:
        return float(self._reserve(keys=[self.prefix + key], args=[interval, EXPIRY_GRACE_MS]))

    def count(self, key: str, seconds: float) -> tuple[int, float]:
        used, left = self._count(keys=[self.prefix + key], args=[seconds, EXPIRY_GRACE_MS])
        return int(used), float(left)


# --- PostgreSQL ----------------------------------------------------------------------------
# A ``Rate`` is one row (window_index -1, its next free slot in ``tat``); a ``Window`` one row
# per window. The clock is ``clock_timestamp()`` in epoch seconds (it moves within a statement).
_RESERVE_SQL = """
INSERT INTO rate_budgets AS b (key, window_index, used, tat)
VALUES (%(key)s, -1, 1, extract(epoch FROM clock_timestamp())::float8 + %(interval)s)
ON CONFLICT (key, window_index) DO UPDATE
    SET tat = GREATEST(b.tat, extract(epoch FROM clock_timestamp())::float8) + %(interval)s
RETURNING b.tat - %(interval)s - extract(epoch FROM clock_timestamp())::float8
"""
_COUNT_SQL = """
INSERT INTO rate_budgets AS b (key, window_index, used, tat)
VALUES (%(key)s, floor(extract(epoch FROM clock_timestamp())::float8 / %(seconds)s)::bigint,
        1, 0)
ON CONFLICT (key, window_index) DO UPDATE SET used = b.used + 1
RETURNING b.used, b.window_index,
          (b.window_index + 1) * %(seconds)s - extract(epoch FROM clock_timestamp())::float8
"""
_PRUNE_SQL = """
DELETE FROM rate_budgets WHERE key = %(key)s AND window_index >= 0
    AND window_index < %(index)s
"""
_CONNECT_KEYS = ("dbname", "user", "password", "host", "port", "sslmode", "sslrootcert",
                 "sslcert", "sslkey", "passfile", "service", "connect_timeout")


class PostgresBackend:
    """One autocommit connection per process, shared by its threads (a statement takes a
    fraction of a millisecond), opened on first use and again after a fork or a failure."""

    shared = True

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self._lock = threading.Lock()
        self._conn: psycopg.Connection | None = None
        self._pid = 0

    def reserve(self, key: str, interval: float) -> float:
        return float(self._execute(_RESERVE_SQL, {"key": key, "interval": interval})[0])

    def count(self, key: str, seconds: float) -> tuple[int, float]:
        used, index, left = self._execute(_COUNT_SQL, {"key": key, "seconds": seconds})
        if used == 1:  # the first of a new window: the ones before it are spent
            self._execute(_PRUNE_SQL, {"key": key, "index": index}, returns=False)
        return int(used), float(left)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def _execute(self, sql: str, params: dict, *, returns: bool = True) -> tuple:
        with self._lock:
            for tries_left in (1, 0):
                conn = self._connection()
                try:
                    cursor = conn.execute(sql, params)
                    return cursor.fetchone() if returns else ()
                except psycopg.OperationalError:
                    self._conn = None  # the server went away: once more, on a new one
                    if not tries_left:
                        raise
        raise AssertionError("unreachable")

    def _connection(self) -> psycopg.Connection:
        if self._conn is not None and self._pid == os.getpid() and not self._conn.closed:
            return self._conn
        # A connection inherited through fork() belongs to the parent: never use or close it.
        params = connections[self.alias].get_connection_params()
        self._conn = psycopg.connect(**{k: v for k, v in params.items() if k in _CONNECT_KEYS},
                                     autocommit=True)
        self._pid = os.getpid()
        return self._conn


# --- one process (SQLite) ------------------------------------------------------------------
class LocalBackend:
    """This process only: the embedded default runs its syncs in one process."""

    shared = False

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}
        self._windows: dict[str, tuple[int, int]] = {}

    def reserve(self, key: str, interval: float) -> float:
        with self._lock:
            now = self._clock()
            tat = max(self._tat.get(key, now), now)
            self._tat[key] = tat + interval
            return tat - now

    def count(self, key: str, seconds: float) -> tuple[int, float]:
        with self._lock:
            now = self._clock()
            index = math.floor(now / seconds)
            current, used = self._windows.get(key, (index, 0))
            used = used + 1 if current == index else 1
            self._windows[key] = (index, used)
            return used, (index + 1) * seconds - now


_backends: dict[tuple, Backend] = {}
_backends_lock = threading.Lock()


def default_backend() -> Backend:
    """Redis when ``REDIS_URL`` is set, else PostgreSQL when it is the database, else this
    process (``LocalBackend``)."""
    redis_url = str(settings.REDIS_URL or "")
    vendor = connections["default"].vendor
    choice = (redis_url, settings.BUDGETS_KEY_PREFIX) if redis_url else (vendor,)
    with _backends_lock:
        if choice not in _backends:
            if redis_url:
                _backends[choice] = RedisBackend(redis_url, settings.BUDGETS_KEY_PREFIX)
            elif vendor == "postgresql":
                _backends[choice] = PostgresBackend()
            else:
                _backends[choice] = LocalBackend()
        return _backends[choice]


def close() -> None:
    """Close this process's connections to the stores (the test database can then be
    dropped); the next budget used opens them again."""
    with _backends_lock:
        for backend in _backends.values():
            if isinstance(backend, PostgresBackend):
                backend.close()
