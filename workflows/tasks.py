"""django-q2 entry points (thin: they call the engine).

``run_worker`` is scheduled every minute. One run holds the worker lock and listens for
``seconds``; a run that finds the lock taken waits up to ``wait`` seconds for it and takes over
the moment the holder lets go. django-q2 starts schedules up to ~30 s late, so with
``wait`` ≥ 90 s some run is always waiting when the holder finishes: the engine never stops
listening, and at most a few queue slots are spent waiting.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

from workflows.engine import Worker

LOCK_NAME = "perfectcatch.workflows.worker"
RETRY_EVERY = 0.05  # seconds between attempts to take the lock while waiting for it


def _try_lock(seconds: float) -> bool:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [LOCK_NAME])
            return cursor.fetchone()[0]
    return cache.add(LOCK_NAME, True, timeout=int(seconds) + 60)


def _unlock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [LOCK_NAME])
    else:
        cache.delete(LOCK_NAME)


@contextmanager
def worker_lock(seconds: float, wait: float = 0.0) -> Iterator[bool]:
    """Yields True when this process holds the worker lock (released on exit), trying for up
    to ``wait`` seconds. PostgreSQL: a session advisory lock; elsewhere a cache entry."""
    deadline = time.monotonic() + wait
    held = _try_lock(seconds)
    while not held and time.monotonic() < deadline:
        time.sleep(RETRY_EVERY)
        held = _try_lock(seconds)
    try:
        yield held
    finally:
        if held:
            _unlock()


def run_worker(seconds: float = 240.0, wait: float = 90.0) -> str:
    with worker_lock(seconds, wait=wait) as held:
        if not held:
            return "skipped: another workflow worker run holds the lock"
        return f"ran {seconds:g}s: {Worker().run(duration=seconds)}"
