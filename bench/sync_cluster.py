"""A full ServiceTitan sync by one django-q2 cluster, then by two, against the rate-limited
sandbox: wall time, the vendor's busiest second, rows/s.

    python bench/sync_cluster.py --scale 20 --page-sizes 1000,50

Starts the sandbox in its own process (``manage.py sandbox --scale N``, ServiceTitan's 60
requests/second, refused requests counted in its busiest second), uses its own PostgreSQL
database (``--database-url``, created and migrated; the mirror emptied before every run) and
the ORM broker (``REDIS_URL`` is not passed on: the budgets are counted in PostgreSQL, as the
proof test does; ``--redis-url redis://127.0.0.1:6379/13`` counts them in Redis instead, where
the tasks then queue too: a database of the bench's own). For each export page size and
each number of clusters: the clusters (``manage.py qcluster``, ``--workers`` each, machine
names ``bench-1`` …) are started and running before the clock starts; the scheduled task
(``servicetitan.tasks.sync_incremental``) queues one task per resource; the clock stops when
every task is done. A small page size makes the vendor's limit, not the machine, the bound.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sync_throughput import with_sandbox  # noqa: E402

GUARD = 3600


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/perfectcatch_bench_cluster")
    parser.add_argument("--redis-url", default="",
                        help="count the budgets in Redis (a key prefix of its own); it is the "
                             "task broker then too: give a database of the bench's own, e.g. "
                             "redis://127.0.0.1:6379/13 (its queue is emptied before each run)")
    parser.add_argument("--workers", type=int, default=2, help="Q_WORKERS of each cluster")
    parser.add_argument("--clusters", default="1,2")
    parser.add_argument("--page-sizes", default="1000,50", help="the sandbox's export pages")
    parser.add_argument("--limit", type=int, default=60, help="the sandbox's requests/second")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each combination")
    return parser.parse_args()


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ST_", "Q_")) and k != "REDIS_URL"}
    env.update(DATABASE_URL=args.database_url, SANDBOX_URL=f"http://127.0.0.1:{args.port}",
               DJANGO_SETTINGS_MODULE="config.settings", DATABASE_POOL="false",
               LOG_LEVEL="INFO", LOG_FORMAT="plain", DJANGO_DEBUG="false",
               Q_WORKERS=str(args.workers))
    if args.redis_url:
        env.update(REDIS_URL=args.redis_url,
                   BUDGETS_KEY_PREFIX=f"bench-sync-cluster:{os.getpid()}:")
    return env


def main() -> None:
    args = parse_args()
    env = bench_env(args)
    os.environ.update({**env, "LOG_LEVEL": "WARNING"})  # the clusters log at INFO
    with socket.socket() as probe:  # another run's sandbox there would mix two benchmarks
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            raise SystemExit(f"port {args.port} is in use: is another run going on?")
    with_sandbox(args, env, run_all)


def run_all(args: argparse.Namespace, env: dict) -> None:
    import django

    django.setup()
    from bench.sync_parts import sandbox_counts

    control = f"{env['SANDBOX_URL']}/servicetitan/_control"
    requests.post(f"{control}/options", json={"rate_limit": args.limit, "rate_window": 1.0},
                  timeout=30).raise_for_status()
    counts = sandbox_counts(env["SANDBOX_URL"])
    print(f"tenant: scale {args.scale}, {counts['total']:,} records in the sandbox; vendor "
          f"limit {args.limit}/s; {args.workers} workers per cluster; budgets in "
          f"{'Redis' if args.redis_url else 'PostgreSQL'}")
    for page_size in [int(p) for p in args.page_sizes.split(",") if p]:
        requests.post(f"{control}/options", json={"export_page_size": page_size},
                      timeout=30).raise_for_status()
        for _ in range(args.repeat):
            for clusters in [int(c) for c in args.clusters.split(",") if c]:
                print(run_once(env, control, clusters, page_size), flush=True)


def run_once(env: dict, control: str, clusters: int, page_size: int) -> str:
    from django.db.models import Sum
    from django_q.brokers import get_broker
    from django_q.models import OrmQ, Task

    from bench.sync_parts import MIRRORS, _count, empty_mirror
    from servicetitan import tasks
    from servicetitan.models import SyncLog

    empty_mirror()
    SyncLog.objects.all().delete()
    Task.objects.all().delete()
    get_broker().purge_queue()   # tasks a run stopped half-way left (ORM or Redis)
    logs = Path(tempfile.gettempdir())
    running: list[subprocess.Popen] = []
    try:
        for n in range(1, clusters + 1):
            start_cluster(env, f"bench-{n}", logs / f"sync_cluster-{n}.log", running)
        requests.delete(f"{control}/stats", timeout=30).raise_for_status()
        started = time.perf_counter()
        queued = list(tasks.sync_incremental().values()).count("queued")
        deadline = time.monotonic() + GUARD
        while OrmQ.objects.exists() or Task.objects.count() < queued:
            if time.monotonic() > deadline:
                raise SystemExit("the sync did not finish")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    finally:
        stop(running)
    stats = requests.get(f"{control}/stats", timeout=30).json()
    failed = Task.objects.filter(success=False).count()
    fetched = SyncLog.objects.aggregate(n=Sum("fetched"))["n"] or 0
    rows = sum(_count(table) for table in MIRRORS)
    by_machine = {}
    for worker in SyncLog.objects.values_list("worker", flat=True):
        by_machine[worker.split(":")[0]] = by_machine.get(worker.split(":")[0], 0) + 1
    load = os.getloadavg()[0]  # the machine is shared: how busy it was
    return (f"pages of {page_size:>4}, {clusters} cluster(s): {seconds:6.1f}s wall, "
            f"{stats['total'] - stats['endpoints'].get('/connect/token', 0):,} API requests, "
            f"busiest second {stats['busiest_second']['requests']}, "
            f"{stats['rate_limited']} refused (429), {fetched:,} records / {rows:,} rows = "
            f"{rows / seconds:,.0f} rows/s; resources per machine {by_machine}; "
            f"load average {load:.1f}"
            f"{f'; {failed} tasks FAILED' if failed else ''}")


def start_cluster(env: dict, node: str, log: Path, running: list[subprocess.Popen]
                  ) -> subprocess.Popen:
    """``manage.py qcluster`` as machine ``node``, added to ``running`` at once (so it is
    stopped whatever happens next), once it says it is running."""
    out = log.open("w")
    process = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT,
                               env={**env, "PERFECTCATCH_NODE": node}, stdout=out,
                               stderr=subprocess.STDOUT)
    running.append(process)
    deadline = time.monotonic() + 120
    while "running" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"cluster {node} did not start; see {log}")
        time.sleep(0.1)
    return process


def stop(running: list[subprocess.Popen]) -> None:
    """SIGTERM to each cluster's main process only (README); killed if it hangs."""
    for process in running:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in running:
        try:
            process.wait(120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)


if __name__ == "__main__":
    main()
