"""Steps per second: 10,000 due instances of a two-step definition, drained by one worker and
then by two (``manage.py workflows_run --once`` processes started together).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_wf_bench \
        .venv/bin/python bench/workflow_throughput.py --instances 10000 --workers 1 2

The two steps are ``set`` (renders a template into the context) and ``condition`` (evaluates
a rule against the context). Steps/s is the number of step runs divided by the span from the
first step's start to the last step's finish (process start-up excluded; the wall time with
start-up is printed too). Afterwards it checks that every instance completed and no step ran
twice.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

import _setup
from django.db.models import Count, Max, Min

from workflows.engine.context import build_context
from workflows.models import WorkflowDefinition, WorkflowInstance, WorkflowStepRun
from workflows.services import definition_save

DEFINITION = {
    "name": "Throughput bench", "trigger_event": "estimate.updated", "reentry": "always",
    "steps": [
        {"id": "greet", "type": "set", "values": {"greeting": "Hi {{ customer.first_name }}"}},
        {"id": "check", "type": "condition",
         "rule": {"field": "vars.greeting", "op": "startswith", "value": "Hi"},
         "else": "greet"},
    ],
    "active": False,
}


def seed(count: int) -> None:
    existing = WorkflowDefinition.objects.filter(name=DEFINITION["name"]).first()
    definition = definition_save(data=DEFINITION, actor="bench", definition=existing)
    now = datetime.now(UTC)
    context = build_context(event_type="estimate.updated", event_id=None,
                            payload={"id": 1, "total": "1250.00", "status": "Open"},
                            entity_type="estimate", entity_id="1", customer_id=None)
    context["customer"] = {"name": "Dana Whitfield", "first_name": "Dana"}
    WorkflowInstance.objects.bulk_create(
        (WorkflowInstance(definition=definition, version=definition.current_version,
                          entity_type="estimate", entity_id=str(n), status="pending",
                          current_step="greet", next_run_at=now, context=context,
                          visits={"greet": 1}, exclusive=False)
         for n in range(count)), batch_size=2000)


def run(workers: int, count: int, batch: int) -> str:
    _setup.fresh_database()
    seed(count)
    started = time.perf_counter()
    procs = [_setup.worker("--once", "--batch", str(batch)) for _ in range(workers)]
    outputs = [p.communicate()[0] for p in procs]
    wall = time.perf_counter() - started
    if any(p.returncode for p in procs):
        raise SystemExit("\n".join(outputs))
    span = WorkflowStepRun.objects.aggregate(a=Min("started_at"), b=Max("finished_at"))
    steps = WorkflowStepRun.objects.count()
    seconds = (span["b"] - span["a"]).total_seconds()
    twice = WorkflowStepRun.objects.values("instance", "step_id").annotate(
        n=Count("id")).filter(n__gt=1).count()
    done = WorkflowInstance.objects.filter(status="completed").count()
    assert done == count and twice == 0, (done, twice)
    return (f"{workers} worker(s): {steps} steps in {seconds:.2f} s = "
            f"{steps / seconds:,.0f} steps/s (wall with start-up {wall:.2f} s); "
            f"{done} completed, {twice} steps run twice")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    for workers in args.workers:
        print(run(workers, args.instances, args.batch), flush=True)


if __name__ == "__main__":
    main()
