"""Waking a cluster task soon, cheaply, from a hot path: ``nudge("messaging.tasks.attend")``.

The work itself is durable in the database (a flag, an outbox row, the texts) and a schedule
runs the task every minute anyway; a nudge only brings the next run forward. So it is
debounced: at most one task is queued per name and ``within`` seconds per cache (the
process's, or Redis), and a process that queued one that recently — or found that another
process had — does not even ask the cache (one clock read on the webhook's path; with Redis,
the processes that lost the race would otherwise ask it on every text). A failure to queue
is logged, never raised —
the schedule catches up. It runs after commit (``transaction.on_commit``), so the task sees
the rows that caused it, and a rolled-back transaction queues nothing.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)
_queued_at: dict[str, float] = {}   # this process: when each task was last queued


def nudge(func: str, within: float = 2.0) -> None:
    """Queue ``func`` (a declared task's dotted path, no arguments) after the current
    transaction commits, unless one was queued in the last ``within`` seconds."""
    if time.monotonic() - _queued_at.get(func, float("-inf")) < within:
        return
    transaction.on_commit(lambda: _queue(func, within))


def forget() -> None:
    """Forget this process's recent nudges (tests)."""
    _queued_at.clear()


def _queue(func: str, within: float) -> None:
    try:
        added = cache.add(f"nudge:{func}", 1, timeout=within)
        _queued_at[func] = time.monotonic()  # queued now, or by another process lately
        if not added:
            return
        from django_q.tasks import async_task

        async_task(func, task_name=f"nudge {func}")
    except Exception:  # the schedule runs it within a minute anyway
        log.exception("could not queue %s", func)
