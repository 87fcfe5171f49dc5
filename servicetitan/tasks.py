"""django-q2 tasks: thin wrappers over ``servicetitan.sync`` (names in, statuses out)."""

from __future__ import annotations

from servicetitan.sync import sync


def sync_incremental() -> dict[str, str]:
    """The scheduled run: every resource from its cursor. A resource still being synced by
    an earlier run is skipped ("busy"), so runs never overlap themselves."""
    return _statuses(sync())


def sync_now(resources: list[str]) -> dict[str, str]:
    """Sync the named resources (the admin's "sync now")."""
    return _statuses(sync(resources))


def _statuses(summary) -> dict[str, str]:
    return {outcome.resource: str(outcome.status) for outcome in summary.outcomes}


# What the task queue may run (config/taskqueue.py).
TASKS = (sync_incremental, sync_now)
