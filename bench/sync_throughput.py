"""How fast the ServiceTitan sync fills the mirror, against the old way and against the floor.

    python bench/sync_throughput.py --scale 150            # ~596k records in the tenant

Starts the sandbox in its own process (``manage.py sandbox --scale N``, rate limit 60/s as at
ServiceTitan), uses its own PostgreSQL database (``--database-url``, created and migrated;
its st_* tables and workflow events are emptied first), and measures on the same data:

  (a)  our sync end to end: ``manage.py st_sync --full`` in a separate process (HTTP, parsing,
       bulk upserts, cursors), its wall time and peak RSS (the backfill announces nothing);
  (a') the same with ST_SYNC_BACKFILL_EVENTS=1: every record also written as a workflow event;
  (b)  the old way: one ORM ``update_or_create`` per record (same fetch and conversion), on the
       first ``--naive-records`` records only (it is slow), as a per-record rate;
  (c)  the floor: PostgreSQL ``COPY … FROM STDIN (FORMAT BINARY)`` of the very rows (a) wrote
       into the same tables (dumped first, then truncated and loaded back, timed);
  (d)  an incremental sync with nothing changed (requests per resource, seconds);
  (e)  incremental syncs after k changed records, for each k of ``--changes``.

``--resources customer_contacts --repeat 5`` measures only (a), for those resources, that many
times (to compare one resource's backfill before and after a change to its conversion).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    args = parse_args()
    env = bench_env(args)
    os.environ.update(env)
    with_sandbox(args, env, run_all)


def with_sandbox(args: argparse.Namespace, env: dict, run) -> None:
    """``run(args, env)`` on a new, migrated database with the sandbox running."""
    create_database(args.database_url)
    manage(env, "migrate", "-v0")
    sandbox = start_sandbox(args)
    try:
        run(args, env)
    finally:
        sandbox.terminate()
        sandbox.wait(30)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=150)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/perfectcatch_bench")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--naive-records", type=int, default=20_000)
    parser.add_argument("--changes", default="10,100,1000,10000")
    parser.add_argument("--skip-events", action="store_true", help="skip (a')")
    parser.add_argument("--resources", nargs="*", default=[],
                        help="only (a), for these resources (e.g. customer_contacts)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) with --resources")
    return parser.parse_args()


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ST_")}
    env.update(DATABASE_URL=args.database_url, SANDBOX_URL=f"http://127.0.0.1:{args.port}",
               DJANGO_SETTINGS_MODULE="config.settings", ST_SYNC_WORKERS=str(args.workers),
               LOG_LEVEL="WARNING", DJANGO_DEBUG="false")  # as in production
    return env


def create_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str, log: Path | None = None) -> tuple[float, int]:
    """Run ``manage.py ARGS``; returns (wall seconds, peak RSS in MB) of that process."""
    out = open(log, "a") if log else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                               stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    if process.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({process.returncode}); see {log}")
    return seconds, usage.ru_maxrss // 1024


def start_sandbox(args: argparse.Namespace) -> subprocess.Popen:
    env = bench_env(args)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox", "--scale", str(args.scale), "--port",
         str(args.port), "--no-twilio-callbacks"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{args.port}/_control/stats"
    for _ in range(600):
        try:
            requests.get(url, timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the sandbox did not start")


def run_all(args: argparse.Namespace, env: dict) -> None:
    import django

    django.setup()
    from bench.sync_parts import (
        copy_floor,
        empty_mirror,
        incremental,
        naive_rate,
        sandbox_counts,
        synced_totals,
    )

    log = Path(tempfile.gettempdir()) / "sync_throughput.log"
    log.write_text("")
    counts = sandbox_counts(env["SANDBOX_URL"])
    print(f"tenant: scale {args.scale}, {counts['total']:,} records in the sandbox; "
          f"{args.workers} workers; log {log}")

    if args.resources:
        backfill_only(args, env, log)
        return
    empty_mirror()
    seconds, rss = manage(env, "st_sync", "--full", log=log)
    records, rows, syncing = synced_totals()
    ours = rows / seconds
    print(f"(a)  ours:  {records:,} records, {rows:,} rows in {seconds:.1f}s = "
          f"{records / seconds:,.0f} records/s, {ours:,.0f} rows/s; peak RSS {rss} MB "
          f"(the command end to end; its sync alone took {syncing:.1f}s)")

    nothing = incremental(env, manage, log, changes=0)
    print(f"(d)  incremental, nothing changed: {nothing.seconds:.1f}s, "
          f"{nothing.requests} requests for {nothing.resources} resources (token included); "
          f"peak RSS {nothing.rss} MB (the process at rest, nearly)")
    for k in [int(k) for k in args.changes.split(",") if k]:
        run = incremental(env, manage, log, changes=k)
        print(f"(e)  incremental, {k:,} changed: {run.seconds:.1f}s, {run.fetched:,} fetched, "
              f"{run.updated:,} updated, {run.requests} requests, {run.events:,} events")

    floor_rows, floor_seconds = copy_floor(args.database_url)
    floor = floor_rows / floor_seconds
    print(f"(c)  COPY floor: {floor_rows:,} rows in {floor_seconds:.1f}s = {floor:,.0f} rows/s")

    naive = naive_rate(args.naive_records)
    print(f"(b)  naive update_or_create: {naive.records:,} records in {naive.seconds:.1f}s = "
          f"{naive.rate:,.0f} records/s (a subset: at this rate all {records:,} would take "
          f"{records / naive.rate / 60:,.0f} min)")

    print(f"ratios: ours / naive = {records / seconds / naive.rate:,.1f}x (target >= 10x); "
          f"ours / COPY = {ours / floor:.2f}x (target >= 0.3x, rows/s)")
    if not args.skip_events:
        empty_mirror()
        seconds, rss = manage({**env, "ST_SYNC_BACKFILL_EVENTS": "1"}, "st_sync", "--full",
                              log=log)
        records, rows, _ = synced_totals()
        print(f"(a') ours, every record also announced as an event: {seconds:.1f}s = "
              f"{records / seconds:,.0f} records/s, {rows / seconds:,.0f} rows/s "
              f"({rows / seconds / floor:.2f}x COPY); peak RSS {rss} MB")


def backfill_only(args: argparse.Namespace, env: dict, log: Path) -> None:
    """(a) for ``args.resources`` only, ``args.repeat`` times: the sync's own time (the log
    rows' span: no process start-up) and the command's CPU time (user + system, which other
    jobs on a shared machine disturb less than wall time); medians at the end."""
    from bench.sync_parts import empty_mirror, synced_totals

    spans, cpus = [], []
    for run in range(1, args.repeat + 1):
        empty_mirror()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds, _ = manage(env, "st_sync", *args.resources, "--full", log=log)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        records, rows, syncing = synced_totals()
        spans.append(syncing)
        cpus.append(cpu)
        print(f"(a)  run {run}: {', '.join(args.resources)}: {records:,} records, {rows:,} rows;"
              f" sync {syncing:.2f}s = {records / syncing:,.0f} records/s; command "
              f"{seconds:.1f}s wall, {cpu:.2f}s CPU")
    median, cpu = sorted(spans)[len(spans) // 2], sorted(cpus)[len(cpus) // 2]
    print(f"median: sync {median:.2f}s = {records / median:,.0f} records/s; command CPU "
          f"{cpu:.2f}s")


if __name__ == "__main__":
    main()
