"""A lock per name across processes: a PostgreSQL session advisory lock, else (SQLite, one
machine) a cache lock. Used so two syncs of one resource never run at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection


@contextmanager
def named_lock(name: str, timeout: int = 3600) -> Iterator[bool]:
    """Yields True when this process got the lock (it is released on exit), False when
    another holds it. Never waits."""
    key = f"perfectcatch.ghl.{name}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])
        return
    held = cache.add(key, True, timeout=timeout)
    try:
        yield held
    finally:
        if held:
            cache.delete(key)
