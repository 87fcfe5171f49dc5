"""Keeping a batch's claims alive while it runs.

A claim is a lease (``claim_expires_at``): the sweeper takes a claim past it for a dead
worker's and requeues the instance. A batch can outlast the lease without anything being wrong
(a hundred texts paced one a second, HTTP calls of up to a minute each), so while a batch runs
a ``ClaimKeeper`` thread renews it: every third of the lease, one UPDATE extends the claims of
the batch this worker still holds. The thread lives in the worker's process: a worker that
crashes or is killed renews nothing, and its claims expire as before.

Before each instance the runner asks ``holds``. It answers from the last renewal, and renews
itself first when the thread has fallen behind (half the lease gone: the process was
suspended, or the database unreachable) — a claim that expired meanwhile may have been swept
and taken by another worker, and the instance must then not be run here as well.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from types import TracebackType

from django.db import DatabaseError, connection
from django.utils import timezone

from workflows.models import InstanceStatus, WorkflowInstance

log = logging.getLogger(__name__)


class ClaimKeeper:
    """The claims of one batch, renewed in a background thread between ``with`` and its end.

    ``lock`` is the runner's write lock: a renewal never runs inside one of the runner's
    flushes (both lock the batch's rows, and in no fixed order).
    """

    def __init__(self, worker: str, ids: Iterable[int], *, claimed_at: datetime,
                 lease: timedelta, lock: threading.Lock):
        self.worker = worker
        self.ids = list(ids)
        self.lease = lease
        self.held = set(self.ids)
        self.held_until = claimed_at + lease
        self._lock = lock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=f"claims-{worker}", daemon=True)

    def __enter__(self) -> ClaimKeeper:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def holds(self, instance_id: int) -> bool:
        """True while this worker still holds the instance's claim (as of the last renewal,
        renewing now if that is half a lease ago)."""
        if timezone.now() >= self.held_until - self.lease / 2:
            self.renew()
        return instance_id in self.held

    def renew(self) -> None:
        """Extend the lease of the batch's claims this worker still holds: one UPDATE."""
        table = connection.ops.quote_name(WorkflowInstance._meta.db_table)
        marks = ", ".join(["%s"] * len(self.ids))
        with self._lock:
            now = timezone.now()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET claim_expires_at = %s WHERE id IN ({marks}) "  # noqa: S608 (the table's name and placeholders)
                    f"AND claimed_by = %s AND status = %s RETURNING id",
                    [now + self.lease, *self.ids, self.worker, InstanceStatus.RUNNING])
                self.held = {row[0] for row in cursor.fetchall()}
            self.held_until = now + self.lease

    def _keep(self) -> None:
        every = (self.lease / 3).total_seconds()
        try:
            while not self._stop.wait(every):
                try:
                    self.renew()
                except DatabaseError:
                    # Tried again at the next turn; ``holds`` renews before it trusts a claim
                    # this old.
                    log.warning("renewing the claims of %s failed", self.worker, exc_info=True)
        finally:
            connection.close()   # this thread's own connection
