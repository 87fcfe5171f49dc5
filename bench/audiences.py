"""How fast audiences are evaluated, against the same question asked in hand-written SQL.

    python bench/audiences.py --scale 150            # ~580,000 rows in the mirror

Uses its own PostgreSQL database (``--database-url``, created and migrated). Unless
``--skip-sync`` finds the mirror filled, it starts the sandbox (``manage.py sandbox --scale
N``) and fills the mirror with ``manage.py st_sync --full`` first, then ``ANALYZE``s the
database (a running system has planner statistics). Then, for each prebuilt
campaign (``workflows/migrations/0008_prebuilt_campaigns.py``), on a copy switched on and
without its daily cap (every newcomer starts), with the workflow instances emptied before each
run, ``--repeat`` times (medians):

  (1)  the evaluation end to end: ``evaluate_audience`` — counts, newcomers started
       (instances with their contexts and audit rows, one INSERT … SELECT each), the run log;
  (2)  the compiled audience alone: the ids of its newcomers, from the SQL the rule compiles
       to (what step (1) selects), run the way (3) is; and apart, the time Python takes to
       compile the rule and build that SQL;
  (3)  the same ids from a hand-written query (written for each campaign, same boundaries).

Targets: (1) ≤ 10 s per audience; (2) ≤ 2× (3). Then one audience far larger than the
campaigns' at this scale (every customer with a completed job), end to end. Then the
frequency cap: ``policy.cap_until``
for numbers among ``--texts`` marketing texts (spread over 7 days and ``--phones`` numbers),
mean time per call (target ≤ 1 ms per text) and the plan PostgreSQL chooses.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sync_throughput import (  # noqa: E402
    bench_env,
    create_database,
    manage,
    start_sandbox,
)


def main() -> None:
    args = parse_args()
    env = bench_env(args)
    os.environ.update(env)
    create_database(args.database_url)
    manage(env, "migrate", "-v0")
    import django

    django.setup()
    from bench.audience_parts import mirror_rows

    if not (args.skip_sync and mirror_rows()):
        sandbox = start_sandbox(args)
        try:
            from bench.sync_parts import empty_mirror

            empty_mirror()
            seconds, _ = manage(env, "st_sync", "--full")
            print(f"mirror filled by st_sync --full in {seconds:.0f}s")
        finally:
            sandbox.terminate()
            sandbox.wait(30)
    run_all(args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=150)
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/perfectcatch_audiences")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-sync", action="store_true",
                        help="reuse the mirror when it is already filled")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--texts", type=int, default=300_000)
    parser.add_argument("--phones", type=int, default=30_000)
    parser.add_argument("--calls", type=int, default=2_000)
    return parser.parse_args()


def run_all(args: argparse.Namespace) -> None:
    from django.db import connection

    from bench.audience_parts import (
        HAND_WRITTEN,
        campaigns,
        crowd,
        evaluate_crowd,
        frequency_cap,
        measure,
        mirror_rows,
    )

    with connection.cursor() as cursor:
        # A mirror just filled has no planner statistics yet (autovacuum gets there in its
        # own time); a running system has them. Both queries are planned with them.
        cursor.execute("ANALYZE")
    print(f"mirror: {mirror_rows():,} rows; repeat {args.repeat} (medians)")
    for definition in campaigns():
        runs = [measure(definition, HAND_WRITTEN[definition.audience["entity"]])
                for _ in range(args.repeat)]
        evaluate = statistics.median(r.evaluate for r in runs)
        compiled = statistics.median(r.compiled for r in runs)
        compiling = statistics.median(r.compiling for r in runs)
        hand = statistics.median(r.hand for r in runs)
        first = runs[0]
        print(f"{definition.name.removeprefix('bench: ')}: {first.matched:,} matched, "
              f"{first.excluded:,} excluded, {first.entered:,} started")
        print(f"  (1) evaluation end to end {evaluate:.2f}s (target <= 10s)")
        print(f"  (2) compiled audience {compiled * 1000:.1f} ms (+ {compiling * 1000:.1f} ms "
              f"compiling it), (3) hand-written {hand * 1000:.1f} ms: {compiled / hand:.2f}x "
              f"(target <= 2x; {(compiled + compiling) / hand:.2f}x with the compiling); "
              f"same ids: {first.same}")
    crowd_runs = [evaluate_crowd(crowd()) for _ in range(args.repeat)]
    print(f"a crowd (every customer with a completed job): {crowd_runs[0][1]:,} started, "
          f"evaluation end to end {statistics.median(s for s, _ in crowd_runs):.2f}s")
    cap = frequency_cap(texts=args.texts, phones=args.phones, calls=args.calls)
    print(f"frequency cap: {cap.per_call * 1000:.3f} ms per text (mean of {args.calls:,} calls "
          f"over {args.texts:,} texts to {args.phones:,} numbers; target <= 1 ms); plan: "
          f"{cap.plan}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f}s in all)")
