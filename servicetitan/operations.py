"""What staff can do to the sync from the admin: start it now, or send a resource back to the
beginning of its feed."""

from __future__ import annotations

from django.utils import timezone
from django_q.tasks import async_task

from config.locks import named_lock
from servicetitan.models import SyncState
from servicetitan.resources import resolve
from servicetitan.sync import SYNC_LOCKS


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
