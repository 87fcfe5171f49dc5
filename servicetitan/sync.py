"""The sync service: follows each resource's feed from its saved cursor into the mirror.

Per page, one transaction writes the rows, their events and the advanced cursor
(``st_sync_state``) together, so a sync killed at any moment resumes after the last committed
page with nothing lost and nothing announced twice. Resources run in parallel threads (each
with its own database connection and HTTP session; the token and the rate limit are shared);
one that fails does not stop the others. Each resource run is one ``st_sync_log`` row.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, connections, reset_queries, transaction
from django.utils import timezone

from config.locks import named_lock
from config.logs import mask
from servicetitan.changes import Announce
from servicetitan.client import Page, ServiceTitanClient
from servicetitan.conf import setting
from servicetitan.convert import parse_time
from servicetitan.models import SyncLog, SyncState
from servicetitan.resources import EXPORT, Resource, resolve
from servicetitan.writer import PageResult, write_page

log = logging.getLogger(__name__)
SYNC_LOCKS = "st_sync"   # the space of the named locks: one sync of a resource at a time

# List resources are re-read from a little before the newest modifiedOn seen: a change saved
# on ServiceTitan's side just before that instant may only become visible after it.
LIST_OVERLAP = timedelta(minutes=2)
MAX_REJECTIONS_KEPT = MAX_WARNINGS_KEPT = 200
Progress = Callable[[SyncLog], None]
ClientFactory = Callable[[], ServiceTitanClient]


@dataclass(frozen=True)
class Outcome:
    """How one resource's run ended; ``log`` is None when another sync held the resource."""

    resource: str
    log: SyncLog | None

    @property
    def status(self) -> str:
        return self.log.status if self.log is not None else "busy"


@dataclass(frozen=True)
class RunSummary:
    run_id: uuid.UUID
    outcomes: list[Outcome]

    @property
    def ok(self) -> bool:
        """True only when every resource ran and succeeded completely."""
        return all(outcome.status == SyncLog.Status.SUCCESS for outcome in self.outcomes)


def sync(names: list[str] | None = None, *, full: bool = False, workers: int | None = None,
         progress: Progress | None = None,
         client_factory: ClientFactory = ServiceTitanClient) -> RunSummary:
    """Sync the named resources (all when None; ``KeyError`` for unknown names). ``workers``
    threads run them (1, and always on SQLite: one after another in the calling thread)."""
    resources = resolve(names)
    run_id = uuid.uuid4()
    workers = int(setting("ST_SYNC_WORKERS") if workers is None else workers)

    def one(resource: Resource) -> Outcome:
        return sync_resource(resource, run_id=run_id, full=full, progress=progress,
                             client_factory=client_factory)

    # SQLite has one writer at a time: threads would only queue on its lock.
    if workers <= 1 or len(resources) == 1 or connection.vendor == "sqlite":
        return RunSummary(run_id, [one(resource) for resource in resources])
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="st-sync") as pool:
        outcomes = {o.resource: o for o in pool.map(_own_connection(one),
                                                    costliest_first(names))}
    return RunSummary(run_id, [outcomes[resource.name] for resource in resources])


def costliest_first(names: list[str] | None = None) -> list[Resource]:
    """The resources named (all when None), the longest to sync first: started early, they
    are not the ones still running after the rest have finished."""
    return sorted(resolve(names), key=lambda resource: -resource.cost)


def sync_one(name: str, *, run_id: uuid.UUID | None = None, full: bool = False,
             client_factory: ClientFactory = ServiceTitanClient) -> Outcome:
    """One resource by name (``KeyError`` for an unknown one), in this thread, under its
    lock: while another sync of it runs anywhere, nothing is done ("busy")."""
    return sync_resource(resolve([name])[0], run_id=run_id or uuid.uuid4(), full=full,
                         client_factory=client_factory)


def _own_connection(func: Callable[[Resource], Outcome]) -> Callable[[Resource], Outcome]:
    def run(resource: Resource) -> Outcome:
        try:
            return func(resource)
        finally:
            connections.close_all()  # this thread's connections only
    return run


def sync_resource(resource: Resource, *, run_id: uuid.UUID, full: bool = False,
                  progress: Progress | None = None,
                  client_factory: ClientFactory = ServiceTitanClient) -> Outcome:
    """One resource, under its lock. A failure of the sync (ServiceTitan errors, retries
    spent, unexpected data) is recorded in its log row, not raised; only a database that
    goes away raises."""
    with named_lock(SYNC_LOCKS, resource.name) as held:
        if not held:
            log.info("ServiceTitan %s: another sync is running; skipped", resource.name)
            return Outcome(resource.name, None)
        state, _ = SyncState.objects.get_or_create(
            resource=resource.name, defaults={"cursor_kind": resource.cursor})
        _close_interrupted(resource.name)
        entry = SyncLog.objects.create(run_id=run_id, resource=resource.name, full=full,
                                       worker=f"{settings.NODE_NAME}:{os.getpid()}")
        client = client_factory()
        started = time.monotonic()
        try:
            _follow(resource, state, entry, client, full=full, progress=progress)
            status = SyncLog.Status.PARTIAL if entry.rejected else SyncLog.Status.SUCCESS
        except Exception as exc:  # one failing resource must not stop the others
            log.exception("ServiceTitan %s: sync failed", resource.name)
            entry.error = f"{exc.__class__.__name__}: {exc}"
            status = SyncLog.Status.FAILED
        finally:
            client.close()
        _finish(state, entry, client, status, time.monotonic() - started)
        if progress:
            progress(entry)
        return Outcome(resource.name, entry)


def _close_interrupted(name: str) -> None:
    """Runs of ``name`` still marked running belong to processes that died: we hold the
    lock, so none of them is alive. Their committed pages stay; the log says they ended."""
    SyncLog.objects.filter(resource=name, status=SyncLog.Status.RUNNING).update(
        status=SyncLog.Status.FAILED, finished_at=timezone.now(),
        error="interrupted: the process ended before the run finished")


def _follow(resource: Resource, state: SyncState, entry: SyncLog, client: ServiceTitanClient,
            *, full: bool, progress: Progress | None) -> None:
    announce = _announce(backfill=state.last_success_at is None)
    pages, advance = _feed(resource, state, client, full=full)
    # closing(): on an error, wait for a page being fetched ahead before the client closes.
    with closing(_read_ahead(pages)) as ahead:
        for page in ahead:
            _store_page(resource, page, state, entry, client, announce, advance)
            if progress:
                progress(entry)


def _store_page(resource: Resource, page: Page, state: SyncState, entry: SyncLog,
                client: ServiceTitanClient, announce: Announce,
                advance: Callable[[Page, PageResult], None]) -> None:
    """One page in one transaction: rows, events, cursor and log counts."""
    with transaction.atomic():
        result = write_page(resource, page.records, announce=announce, now=timezone.now())
        advance(page, result)
        _save_progress(state, entry, result, client)
    # With DEBUG on, Django keeps up to 9,000 statements per connection, each with its
    # parameters (a page of events is megabytes): forget them, memory stays flat.
    reset_queries()


def _read_ahead(pages: Iterator[Page]) -> Iterator[Page]:
    """The pages, each next one fetched (in a helper thread) while the caller stores the
    current one. Safe for resumption: the cursor still only moves with a committed page; a
    page fetched ahead and never stored is simply asked for again next time."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="st-fetch") as fetcher:
        upcoming = fetcher.submit(next, pages, None)
        while (page := upcoming.result()) is not None:
            upcoming = fetcher.submit(next, pages, None)
            yield page


def _announce(*, backfill: bool) -> Announce:
    if not backfill:
        return Announce.EVERYTHING
    return Announce.CREATED_ONLY if setting("ST_SYNC_BACKFILL_EVENTS") else Announce.NOTHING


def _feed(resource: Resource, state: SyncState, client: ServiceTitanClient, *, full: bool
          ) -> tuple[Iterator[Page], Callable[[Page, PageResult], None]]:
    """The pages to read and how each one moves the cursor (in ``state``, unsaved).

    Export: from the saved ``continueFrom`` token, which every page replaces. List: pages
    modified since the saved watermark (less an overlap); the watermark becomes the newest
    ``modifiedOn`` seen once the last page is stored, so an interrupted walk starts over.
    The watermark never passes the moment the walk started: one record dated in the future
    would otherwise hide every later change until that date. A saved watermark already in
    the future (from before this rule) is not trusted: the list is read from the beginning."""
    endpoint = resource.endpoint(client.config.tenant_id)
    if resource.cursor == EXPORT:
        start = None if full else state.cursor or None

        def advance_token(page: Page, _result: PageResult) -> None:
            state.cursor = page.continue_from or ""

        return client.export_pages(endpoint, start, resource.params), advance_token
    started = timezone.now()
    watermark = None if full or not state.cursor else parse_time(state.cursor)
    if watermark is not None and watermark > started:
        watermark = None
    since = {} if watermark is None else {
        "modifiedOnOrAfter": (watermark - LIST_OVERLAP).isoformat()}
    newest = [watermark]

    def advance_watermark(page: Page, result: PageResult) -> None:
        newest[0] = _newest(newest[0], result.latest_modified)
        if not page.has_more and newest[0] is not None:
            state.cursor = min(newest[0], started).isoformat()

    return client.list_pages(endpoint, {**resource.params, **since}), advance_watermark


def _newest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _save_progress(state: SyncState, entry: SyncLog, result: PageResult,
                   client: ServiceTitanClient) -> None:
    now = timezone.now()
    state.pages += 1
    state.records += result.fetched
    state.last_page_at = now
    state.save(update_fields=["cursor", "pages", "records", "last_page_at"])
    entry.pages += 1
    entry.fetched += result.fetched
    entry.created += result.created
    entry.updated += result.updated
    entry.unchanged += result.unchanged
    entry.rejected += len(result.rejected)
    room = MAX_REJECTIONS_KEPT - len(entry.rejected_records)
    entry.rejected_records += _masked(result.rejected[:max(0, room)], "error")
    entry.warnings += len(result.warnings)
    room = MAX_WARNINGS_KEPT - len(entry.warning_samples)
    entry.warning_samples += _masked(result.warnings[:max(0, room)], "warning")
    entry.requests, entry.retries = client.requests, client.retries
    entry.save(update_fields=["pages", "fetched", "created", "updated", "unchanged",
                              "rejected", "rejected_records", "warnings", "warning_samples",
                              "requests", "retries"])


def _masked(samples: list[dict], text: str) -> list[dict]:
    """Samples as the sync log keeps them: their ``text`` (which quotes the value that did
    not fit) masked like every log line — phone numbers down to their last four digits,
    credentials hidden. The record's id, kept whole, finds the value in the mirror."""
    return [{**sample, text: mask(str(sample[text]))} for sample in samples]


def _finish(state: SyncState, entry: SyncLog, client: ServiceTitanClient, status: str,
            seconds: float) -> None:
    now = timezone.now()
    entry.status, entry.finished_at, entry.duration = status, now, seconds
    entry.requests, entry.retries = client.requests, client.retries
    entry.save(update_fields=["status", "finished_at", "duration", "requests", "retries",
                              "error"])
    state.last_status = status
    if status != SyncLog.Status.FAILED:
        state.last_success_at = now
    state.save(update_fields=["last_status", "last_success_at"])
    log.info("ServiceTitan %s: %s — %d fetched, %d created, %d updated, %d rejected, "
             "%d values not fitting their column in %.1fs", entry.resource, status,
             entry.fetched, entry.created, entry.updated, entry.rejected, entry.warnings, seconds)
