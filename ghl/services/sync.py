"""The GHL sync: pipelines, users, contacts and opportunities from GHL into the mirror.

Each resource is one declarative ``Resource`` (its feed and its page writer); one engine runs
them all. Per resource and run: a ``ghl_sync_log`` row, a lock so two syncs of it never
overlap (the second is logged as busy), and one transaction per page. Contacts are
incremental (from the saved ``dateUpdated`` watermark, less an overlap); ``full=True`` reads
everything. The watermark never passes the moment the run started: one contact dated in the
future would otherwise hide every later change until that date. After pipelines, the default
stage mappings are installed; after users, employees are matched by email. The scheduled
sync fans out (``enqueue_each``): one task per resource, so several clusters share the work.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from config.locks import named_lock
from ghl.client import GHLClient, GHLError
from ghl.models import GHLContact, SyncLog, SyncState
from ghl.services import feeds, mirror, staff, stages

log = logging.getLogger(__name__)
SYNC_LOCKS = "ghl_sync"   # the space of the named locks: one sync of a record type at a time
FAN_OUT_GROUP = "ghl-sync"

# A contact saved just before the watermark may become visible to search a little later.
CONTACT_OVERLAP = timedelta(minutes=5)
Progress = Callable[[SyncLog], None]


@dataclass(frozen=True)
class Resource:
    name: str
    pages: Callable[[GHLClient, datetime | None], Iterator[list[dict]]]
    write: Callable[[list[dict], datetime], int]
    after: Callable[[], object] | None = None     # run once the resource synced completely
    watermark: Callable[[], datetime | None] | None = None  # incremental resources only


def _contacts_watermark() -> datetime | None:
    return GHLContact.objects.aggregate(newest=Max("date_updated"))["newest"]


RESOURCES: dict[str, Resource] = {r.name: r for r in (
    Resource("pipelines", lambda c, _: feeds.pipeline_pages(c), mirror.write_pipelines,
             after=stages.install_default_mappings),
    Resource("users", lambda c, _: feeds.user_pages(c), mirror.write_users,
             after=staff.match_employees),
    Resource("contacts", lambda c, since: feeds.contact_pages(c, since=since),
             mirror.write_contacts, watermark=_contacts_watermark),
    Resource("opportunities", lambda c, _: feeds.opportunity_pages(c),
             mirror.write_opportunities),
)}


def resolve(names: list[str] | None) -> list[Resource]:
    """The resources named (all, in dependency order, when none); ``KeyError`` names the
    unknown one."""
    if not names:
        return list(RESOURCES.values())
    unknown = [n for n in names if n not in RESOURCES]
    if unknown:
        raise KeyError(f"unknown GHL resource {unknown[0]!r}; known: {', '.join(RESOURCES)}")
    return [r for r in RESOURCES.values() if r.name in names]


def sync(names: list[str] | None = None, *, full: bool = False,
         progress: Progress | None = None, client: GHLClient | None = None) -> list[SyncLog]:
    """Sync the named resources one after another; returns their log rows. A resource that
    fails is logged and the others still run."""
    client = client or GHLClient()
    run_id = uuid.uuid4()
    return [sync_resource(r, client=client, run_id=run_id, full=full, progress=progress)
            for r in resolve(names)]


def sync_one(name: str, *, run_id: uuid.UUID | None = None, full: bool = False,
             client: GHLClient | None = None) -> SyncLog:
    """One resource by name (``KeyError`` for an unknown one) under its lock; its log row
    says "busy" when another sync of it was running anywhere."""
    return sync_resource(resolve([name])[0], client=client or GHLClient(),
                         run_id=run_id or uuid.uuid4(), full=full)


def enqueue_each() -> dict[str, str]:
    """Queue one task per resource (``ghl.tasks.sync_feed``) for whichever worker of
    whichever cluster is free; they share one run id in the sync log. A resource being
    synced now is not queued ("busy")."""
    from django_q.tasks import async_task

    run_id = str(uuid.uuid4())
    statuses = {}
    for name in RESOURCES:
        with named_lock(SYNC_LOCKS, name) as free:
            statuses[name] = "queued" if free else "busy"
        if free:
            async_task("ghl.tasks.sync_feed", name, run_id, task_name=f"GHL sync {name}",
                       group=FAN_OUT_GROUP)
    return statuses


def sync_resource(resource: Resource, *, client: GHLClient, run_id: uuid.UUID,
                  full: bool = False, progress: Progress | None = None) -> SyncLog:
    entry = SyncLog.objects.create(run_id=run_id, resource=resource.name, full=full)
    with named_lock(SYNC_LOCKS, resource.name) as held:
        if not held:
            return _finish(entry, SyncLog.Status.BUSY, "another sync of it was running")
        try:
            _run(resource, entry, client, full, progress)
        except GHLError as exc:
            log.warning("GHL sync of %s failed: %s", resource.name, exc)
            return _finish(entry, SyncLog.Status.FAILED, str(exc))
        except Exception as exc:  # recorded for staff, then re-raised for the traceback
            _finish(entry, SyncLog.Status.FAILED, f"{exc.__class__.__name__}: {exc}")
            raise
    return _finish(entry, SyncLog.Status.SUCCESS)


def _run(resource: Resource, entry: SyncLog, client: GHLClient, full: bool,
         progress: Progress | None) -> None:
    state, _ = SyncState.objects.get_or_create(resource=resource.name)
    started = timezone.now()
    since = None
    # A saved watermark in the future (saved before it was capped) is not trusted.
    if resource.watermark and not full and state.watermark and state.watermark <= started:
        since = state.watermark - CONTACT_OVERLAP
    for page in resource.pages(client, since):
        entry.pages += 1
        entry.fetched += len(page)
        entry.written += resource.write(page, timezone.now())
        entry.save(update_fields=["pages", "fetched", "written"])
        if progress:
            progress(entry)
    if resource.after:
        resource.after()
    newest = resource.watermark() if resource.watermark else None
    state.watermark = None if newest is None else min(newest, started)
    state.last_success_at = timezone.now()
    state.save()


def _finish(entry: SyncLog, status: str, error: str = "") -> SyncLog:
    entry.status, entry.error, entry.finished_at = status, error, timezone.now()
    entry.save(update_fields=["status", "error", "finished_at"])
    return entry
