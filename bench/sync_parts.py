"""The measuring parts of ``bench/sync_throughput.py`` (run inside Django, on the bench
database and sandbox the main script set up)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests
from django.db import connection
from django.db.models import Max, Min, Sum
from django.utils import timezone

from servicetitan.client import ServiceTitanClient
from servicetitan.models import SyncLog, SyncState
from servicetitan.resources import ESTIMATE_ITEM, EXPORT, RESOURCES
from workflows.models import WorkflowEvent

MIRRORS = [r.shape.table for r in RESOURCES] + [ESTIMATE_ITEM.table]
# Records the incremental runs change, round robin: (resource, first id, field).
CHANGED = [("customers", 10_000_001, "name"), ("jobs", 50_000_001, "summary"),
           ("invoices", 100_000_001, "summary"), ("appointments", 60_000_001,
                                                   "specialInstructions")]


def sandbox_counts(sandbox_url: str) -> dict[str, int]:
    return requests.get(f"{sandbox_url}/servicetitan/_control/counts", timeout=30).json()


def empty_mirror() -> None:
    """Empty tables, cursors back to "never synced" (so the next run is a backfill)."""
    with connection.cursor() as cursor:
        # CASCADE: the engine's tables that reference events (workflow_event_matches).
        cursor.execute(f"TRUNCATE {', '.join(MIRRORS)}, workflow_events CASCADE")
    SyncState.objects.update(cursor="", pages=0, records=0, last_success_at=None)


def synced_totals() -> tuple[int, int, float]:
    """(records fetched by the latest run, rows now in the mirror tables, seconds from the
    run's first start to its last finish as its log rows tell: the sync without the
    process's start-up)."""
    latest = SyncLog.objects.latest("started_at").run_id
    run = SyncLog.objects.filter(run_id=latest).aggregate(
        n=Sum("fetched"), start=Min("started_at"), end=Max("finished_at"))
    seconds = (run["end"] - run["start"]).total_seconds()
    return run["n"], sum(_count(table) for table in MIRRORS), seconds


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class Incremental:
    seconds: float
    rss: int
    resources: int
    requests: int
    fetched: int
    updated: int
    events: int


def incremental(env: dict, manage, log: Path, changes: int) -> Incremental:
    """Change ``changes`` records in the sandbox, then time an incremental ``st_sync``."""
    _change(env["SANDBOX_URL"], changes)
    events_before = WorkflowEvent.objects.count()
    seconds, rss = manage(env, "st_sync", log=log)
    latest = SyncLog.objects.latest("started_at").run_id
    totals = SyncLog.objects.filter(run_id=latest).aggregate(
        requests=Sum("requests"), fetched=Sum("fetched"), updated=Sum("updated"))
    return Incremental(seconds, rss, SyncLog.objects.filter(run_id=latest).count(),
                       totals["requests"], totals["fetched"], totals["updated"],
                       WorkflowEvent.objects.count() - events_before)


def _change(sandbox_url: str, count: int) -> None:
    with requests.Session() as session:
        for i in range(count):
            name, first, field = CHANGED[i % len(CHANGED)]
            url = f"{sandbox_url}/servicetitan/_control/records/{name}/{first + i // 4}"
            session.patch(url, json={field: f"bench change {time.time_ns()}"},
                          timeout=30).raise_for_status()


def copy_floor(database_url: str) -> tuple[int, float]:
    """Dump the mirror tables (binary COPY), empty them, and time loading the same rows back
    with COPY FROM STDIN in one transaction. Returns (rows, seconds)."""
    rows = 0
    with psycopg.connect(database_url.replace("postgres://", "postgresql://"),
                         autocommit=True) as conn, tempfile.TemporaryDirectory() as tmp:
        for table in MIRRORS:
            with open(Path(tmp) / table, "wb") as out, conn.cursor().copy(
                    f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy:
                for chunk in copy:
                    out.write(chunk)
            rows += conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        conn.execute(f"TRUNCATE {', '.join(MIRRORS)}")
        started = time.perf_counter()
        with conn.transaction():
            for table in MIRRORS:
                with open(Path(tmp) / table, "rb") as data, conn.cursor().copy(
                        f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
        return rows, time.perf_counter() - started


@dataclass(frozen=True)
class Naive:
    records: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.records / self.seconds


def naive_rate(limit: int) -> Naive:
    """The old way: fetch the same export pages, convert each record the same way, then one
    ``update_or_create`` per record (its own transaction), into emptied tables, until
    ``limit`` records are stored."""
    client, done = ServiceTitanClient(), 0
    started = time.perf_counter()
    for resource in (r for r in RESOURCES if r.cursor == EXPORT):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {resource.shape.table}")
        endpoint = resource.endpoint(client.config.tenant_id)
        for page in client.export_pages(endpoint, None, resource.params):
            for record in page.records:
                values = resource.shape.row(record).values
                resource.shape.model.objects.update_or_create(
                    id=values.pop("id"), defaults={**values, "raw": record,
                                                   "synced_at": timezone.now()})
                done += 1
                if done >= limit:
                    return Naive(done, time.perf_counter() - started)
    return Naive(done, time.perf_counter() - started)
