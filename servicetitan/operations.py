"""What staff can do to the sync from the admin: start it now, or send a resource back to the
beginning of its feed; and the scheduled sync's fan-out, one task per resource."""

from __future__ import annotations

import uuid

from django.utils import timezone
from django_q.tasks import async_task

from config.locks import named_lock
from servicetitan.models import SyncState
from servicetitan.resources import resolve
from servicetitan.sync import SYNC_LOCKS, costliest_first

FAN_OUT_GROUP = "servicetitan-sync"


def enqueue_each() -> dict[str, str]:
    """Queue one task per resource (``servicetitan.tasks.sync_resource``, the costliest
    first), so the workers of every cluster on every machine share the tenant's work; they
    share one run id in the sync log. A resource whose sync is running now is not queued
    ("busy"); one that starts before its task runs is skipped by the task (its lock)."""
    run_id = str(uuid.uuid4())
    statuses = {}
    for resource in costliest_first():
        if running(resource.name):
            statuses[resource.name] = "busy"
            continue
        async_task("servicetitan.tasks.sync_resource", resource.name, run_id,
                   task_name=f"ServiceTitan sync {resource.name}", group=FAN_OUT_GROUP)
        statuses[resource.name] = "queued"
    return statuses


def running(resource: str) -> bool:
    """Whether a sync of ``resource`` holds its lock now (anywhere: the lock is
    PostgreSQL's)."""
    with named_lock(SYNC_LOCKS, resource) as held:
        return not held


def enqueue_sync(resources: list[str]) -> str:
    """Queue a django-q2 task syncing ``resources`` (``KeyError`` for unknown names);
    returns the task id."""
    names = [r.name for r in resolve(resources)]
    return async_task("servicetitan.tasks.sync_now", names, task_name="ServiceTitan sync now")


def reset_cursor(resource: str) -> bool:
    """Make the next sync of ``resource`` re-read it from the beginning. Rows stay; what the
    re-read finds unchanged is not written or announced again. Returns False (and changes
    nothing) while a sync of the resource is running."""
    with named_lock(SYNC_LOCKS, resource) as held:
        if not held:
            return False
        SyncState.objects.filter(resource=resource).update(
            cursor="", pages=0, records=0, reset_at=timezone.now())
        return True
