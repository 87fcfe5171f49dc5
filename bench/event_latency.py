"""Latency from the commit of an estimate change to the workflow instance existing, with a
worker (``manage.py workflows_run``) running and woken by LISTEN/NOTIFY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_wf_bench \
        .venv/bin/python bench/event_latency.py --events 1000

For each event: one transaction updates the st_estimates row and records an
``estimate.updated`` event (as the ServiceTitan sync does); the clock starts after COMMIT and
stops when a separate connection sees the instance (polled every millisecond). Events go one
after another, so each latency is the engine's reaction time, not queueing behind a burst;
``--rate`` instead sends at a fixed rate and measures from commit to the instance row's
``created_at`` (written by the worker just before its own commit).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from decimal import Decimal

import _setup
import psycopg
from django.db import connection, transaction

from servicetitan.models import Customer, Estimate
from workflows.entities import snapshot
from workflows.events import Event, record_event
from workflows.models import WorkflowDefinition
from workflows.services import definition_save

DEFINITION = {
    "name": "Latency bench", "trigger_event": "estimate.updated", "reentry": "always",
    "trigger_conditions": {"field": "total", "op": ">=", "value": 1000},
    "steps": [{"id": "wait", "type": "wait", "duration": "1d"}], "active": True,
}


def change(estimates: list[Estimate], n: int) -> int:
    estimate = estimates[n % len(estimates)]
    with transaction.atomic():
        estimate.total = Decimal(1000 + n)
        estimate.save(update_fields=["total"])
        event = record_event(Event("estimate.updated", "estimate", estimate.id,
                                   {**snapshot(estimate), "changes": {"total": [None, "x"]}},
                                   "bench"))
    return event.id


def wait_visible(probe: psycopg.Connection, event_id: int, guard: float = 10.0) -> float:
    """Seconds until the instance started by ``event_id`` is visible (polling)."""
    start = time.perf_counter()
    while time.perf_counter() - start < guard:
        if probe.execute("SELECT 1 FROM workflow_instances WHERE trigger_event_id = %s",
                         [event_id]).fetchone():
            return time.perf_counter() - start
        time.sleep(0.001)
    raise SystemExit(f"no instance for event {event_id} after {guard}s: is the worker up?")


def serial(estimates: list[Estimate], count: int) -> list[float]:
    probe = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    return [wait_visible(probe, change(estimates, n)) for n in range(count)]


def paced(estimates: list[Estimate], count: int, rate: float) -> list[float]:
    committed = {}
    for n in range(count):
        event_id = change(estimates, n)
        committed[event_id] = datetime.now(UTC)
        time.sleep(1 / rate)
    probe = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    wait_visible(probe, max(committed), guard=60)
    rows = probe.execute("SELECT trigger_event_id, created_at FROM workflow_instances "
                         "WHERE trigger_event_id = ANY(%s)", [list(committed)]).fetchall()
    return [(created - committed[event_id]).total_seconds() for event_id, created in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0, help="events/s (0: one at a time)")
    args = parser.parse_args()
    _setup.fresh_database()
    definition_save(data=DEFINITION, actor="bench", definition=WorkflowDefinition.objects.filter(
        name=DEFINITION["name"]).first())
    customer = Customer.objects.create(id=1, name="Bench Customer", raw={},
                                       synced_at=datetime.now(UTC))
    # One estimate per event, as when the sync sees different estimates change.
    estimates = Estimate.objects.bulk_create(
        Estimate(id=n, customer_id=customer.id, status="Open", total=Decimal(1000), raw={},
                 synced_at=datetime.now(UTC)) for n in range(1, args.events + 1))
    proc = _setup.worker("--poll", "5")
    try:
        for line in proc.stdout:   # system-check notes come first
            if "running" in line:
                break
        latencies = paced(estimates, args.events, args.rate) if args.rate else \
            serial(estimates, args.events)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ms = [s * 1000 for s in latencies]
    mode = f"paced at {args.rate:g} events/s" if args.rate else "one event at a time"
    print(f"{len(ms)} events, {mode}: p50 {_setup.percentile(ms, 50):.1f} ms, "
          f"p90 {_setup.percentile(ms, 90):.1f} ms, p99 {_setup.percentile(ms, 99):.1f} ms, "
          f"max {max(ms):.1f} ms")


if __name__ == "__main__":
    main()
