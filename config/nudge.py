"""Waking a cluster task soon, cheaply, from a hot path: ``nudge("messaging.tasks.attend")``.

The work itself is durable in the database (a flag, an outbox row) and a schedule runs the
task every minute anyway; a nudge only brings the next run forward. So it is debounced: at
most one task is queued per name and ``within`` seconds per cache (the process's, or Redis),
and a failure to queue is logged, never raised — the schedule catches up. Run after commit
(``transaction.on_commit``), so the task sees the rows that caused it.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)


def nudge(func: str, within: float = 2.0) -> None:
    """Queue ``func`` (a declared task's dotted path, no arguments) after the current
    transaction commits, unless one was queued in the last ``within`` seconds."""
    transaction.on_commit(lambda: _queue(func, within))


def _queue(func: str, within: float) -> None:
    try:
        if not cache.add(f"nudge:{func}", 1, timeout=within):
            return
        from django_q.tasks import async_task

        async_task(func, task_name=f"nudge {func}")
    except Exception:  # the schedule runs it within a minute anyway
        log.exception("could not queue %s", func)
