"""One holder at a time per name, across threads, processes and (on PostgreSQL) hosts:
one sync of a ServiceTitan resource, one GHL sync of a record type.

    with named_lock("st_sync", "customers") as held:
        if not held:
            ...  # another holder has it: skip, never wait

PostgreSQL: a session advisory lock keyed by ``advisory_key(space, name)``, taken on the
current thread's own connection. It outlives the transactions inside the block (a sync
commits page by page), and the server drops it when that connection ends, so a killed process
never leaves it behind. As advisory locks are per session, the connection that holds one gets
it again (a nested block on the same thread is not refused).

SQLite (the embedded default, one host): an exclusive ``flock`` on
``VAR_DIR/locks/<space>_<name>.lock``, which the kernel drops with the process. Each block
opens the file anew, so a second holder is refused whether it is another process or another
block of this one.
"""

from __future__ import annotations

import fcntl
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")  # safe as part of a file name


def shared_by_hosts() -> bool:
    """Whether the database (and so these locks) can be shared by several processes writing
    at once, on several machines: PostgreSQL. The SQLite default has one writer at a time,
    so work there is better done one piece after another than fanned out to workers."""
    return connection.vendor == "postgresql"


def space_key(space: str) -> int:
    """The first key of the advisory locks of ``space`` ("st_sync", "sms_number"): each
    space has its own, so equal names in two spaces never collide."""
    return zlib.crc32(f"perfectcatch:{space}".encode()) & 0x7FFFFFFF


def advisory_key(space: str, name: str) -> tuple[int, int]:
    """The two-integer PostgreSQL advisory lock key of ``name`` in ``space``."""
    return space_key(space), zlib.crc32(name.encode()) & 0x7FFFFFFF


@contextmanager
def named_lock(space: str, name: str) -> Iterator[bool]:
    """Hold the lock ``name`` of ``space`` for the block if it is free; yields whether it is
    held (released on exit). Never waits. ``space`` and ``name``: letters, digits, ``_.-``."""
    for part in (space, name):
        if not _NAME.match(part):
            raise ValueError(f"a lock name is letters, digits and _.- only: {part!r}")
    lock = _advisory if connection.vendor == "postgresql" else _file_lock
    with lock(space, name) as held:
        yield held


@contextmanager
def _advisory(space: str, name: str) -> Iterator[bool]:
    key = advisory_key(space, name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def lock_path(space: str, name: str) -> Path:
    return Path(settings.VAR_DIR) / "locks" / f"{space}_{name}.lock"


@contextmanager
def _file_lock(space: str, name: str) -> Iterator[bool]:
    path = lock_path(space, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
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
