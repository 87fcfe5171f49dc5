"""django-q2 entry points (thin: they call the engine).

``run_worker`` is scheduled every minute and runs the worker for ~55 s, so the engine is
always listening while a cluster runs; a lock (a PostgreSQL advisory lock, else a cache lock)
keeps runs from piling up when one overlaps the next minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

from workflows.engine import Worker

LOCK_NAME = "perfectcatch.workflows.worker"


@contextmanager
def worker_lock(seconds: float) -> Iterator[bool]:
    """Yields True when this process holds the worker lock (released on exit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [LOCK_NAME])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [LOCK_NAME])
        return
    held = cache.add(LOCK_NAME, True, timeout=int(seconds) + 60)
    try:
        yield held
    finally:
        if held:
            cache.delete(LOCK_NAME)


def run_worker(seconds: float = 55.0) -> str:
    with worker_lock(seconds) as held:
        if not held:
            return "skipped: another workflow worker run holds the lock"
        return f"ran {seconds:g}s: {Worker().run(duration=seconds)}"
