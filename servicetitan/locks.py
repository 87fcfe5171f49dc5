"""One sync of a resource at a time, across threads, processes and (on PostgreSQL) hosts.

PostgreSQL: a session advisory lock taken on the syncing thread's own connection; the server
drops it when that connection ends, so a killed sync never leaves it behind. SQLite (one
host): an exclusive ``flock`` on a file under ``VAR_DIR``, which the kernel drops with the
process. Either way ``resource_lock`` does not wait: it yields False when another sync holds
the lock, and the caller skips the resource.
"""

from __future__ import annotations

import fcntl
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

# The first key of our advisory locks: names the lock space "ServiceTitan sync".
_NAMESPACE = zlib.crc32(b"perfectcatch:st_sync") & 0x7FFFFFFF


def _key(resource: str) -> int:
    return zlib.crc32(resource.encode()) & 0x7FFFFFFF


@contextmanager
def resource_lock(resource: str) -> Iterator[bool]:
    """Hold the lock of ``resource`` for the block if it is free; yields whether it is held."""
    if connection.vendor == "postgresql":
        with _advisory(resource) as held:
            yield held
    else:
        with _file_lock(resource) as held:
            yield held


@contextmanager
def _advisory(resource: str) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_NAMESPACE, _key(resource)])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_NAMESPACE, _key(resource)])


@contextmanager
def _file_lock(resource: str) -> Iterator[bool]:
    directory = Path(settings.VAR_DIR) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / f"st_sync_{resource}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
