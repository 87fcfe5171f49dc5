"""django-q2 tasks: thin wrappers over ``servicetitan.sync`` (names in, statuses out)."""

from __future__ import annotations

import uuid

from config.locks import shared_by_hosts
from servicetitan.operations import enqueue_each
from servicetitan.sync import sync, sync_one


def sync_incremental() -> dict[str, str]:
    """The scheduled run: one ``sync_resource`` task per resource, for whichever worker of
    whichever cluster is free ("queued"; "busy" for a resource being synced now). Runs never
    overlap themselves: a resource is synced by one task at a time, anywhere. On the SQLite
    default (one writer at a time) every resource is synced here, one after another."""
    return enqueue_each() if shared_by_hosts() else _statuses(sync())


def sync_resource(resource: str, run_id: str = "") -> str:
    """One resource from its cursor, under its lock: "busy" when another sync holds it."""
    return str(sync_one(resource, run_id=uuid.UUID(run_id) if run_id else None).status)


def sync_now(resources: list[str]) -> dict[str, str]:
    """Sync the named resources (the admin's "sync now")."""
    return _statuses(sync(resources))


def _statuses(summary) -> dict[str, str]:
    return {outcome.resource: str(outcome.status) for outcome in summary.outcomes}


# What the task queue may run (config/taskqueue.py).
TASKS = (sync_incremental, sync_resource, sync_now)
