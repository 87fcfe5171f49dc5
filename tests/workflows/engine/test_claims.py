"""Claims held for as long as a batch runs (renewed), and given up by a worker that lost them:
worker processes (``tests/workflows/worker.py``) with a three-second lease, a step of the
first instance of their batch blocking on FIFOs, and the test process as the second worker."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.workflows.factories import EstimateFactory, JobFactory, emit
from tests.workflows.processes import eventually, finish, spawn
from workflows.engine import Runner, Worker, process_events, sweep_stale_claims
from workflows.engine.claims import ClaimKeeper
from workflows.models import InstanceStatus, WorkflowInstance
from workflows.services import cancel_instance

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_batch(make_definition):
    """Two due instances with a slow step each, in this order: the first one's blocks."""
    make_definition(name="Slow", trigger_conditions={}, cancel_on=[],
                    steps=[{"id": "slow", "type": "test_slow", "block": True}])
    make_definition(name="Slow too", trigger_event="job.created", trigger_conditions={},
                    cancel_on=[], steps=[{"id": "slow", "type": "test_slow"}])
    emit(EstimateFactory(), "estimate.created")
    process_events(now=timezone.now())
    emit(JobFactory(), "job.created")
    process_events(now=timezone.now())
    return list(WorkflowInstance.objects.order_by("next_run_at"))


def claims_end():
    return WorkflowInstance.objects.filter(status=InstanceStatus.RUNNING).aggregate(
        first=Min("claim_expires_at"), last=Max("claim_expires_at"))


def key(instance: WorkflowInstance) -> str:
    return f"wf-{instance.pk}-slow"


def test_a_batch_of_slow_steps_keeps_its_claims_past_the_lease(postgres_only, slow_batch,
                                                               fifos):
    proc = spawn("--once", "--lease", "3", **fifos.env)
    fifos.inside(proc)
    lease_ends = claims_end()["last"]
    renewed = eventually(lambda: (end := claims_end()["first"]) > lease_ends and end, proc,
                         "the claims were not renewed while the batch ran")
    later = lease_ends + (renewed - lease_ends) / 2   # past the first lease, within the new one
    assert sweep_stale_claims(now=later) == 0
    assert Runner("second-worker").run_due(now=later) == 0
    fifos.let_go(proc)
    finish(proc)
    assert fifos.keys() == [key(i) for i in slow_batch]
    assert set(WorkflowInstance.objects.values_list("status", flat=True)) == {"completed"}


def test_a_worker_that_lost_its_claims_runs_nothing_more_of_its_batch(
        postgres_only, slow_batch, fifos, monkeypatch):
    first, second = slow_batch
    proc = spawn("--once", "--lease", "3", **fifos.env)
    fifos.inside(proc)
    proc.send_signal(signal.SIGSTOP)   # suspended: nothing renews its claims
    try:
        monkeypatch.setenv("WF_TEST_EFFECTS", str(fifos.effects))
        rescuer = Worker(name="second-worker")
        eventually(lambda: rescuer.drain().swept, proc, "the claims never expired")
    finally:
        proc.send_signal(signal.SIGCONT)
    fifos.let_go(proc)
    finish(proc)
    # The step in progress when the worker stopped ran again, as a dead worker's would;
    # the instance whose turn had not come ran once, on the second worker.
    assert sorted(fifos.keys()) == sorted([key(first), key(first), key(second)])
    assert set(WorkflowInstance.objects.values_list("status", flat=True)) == {"completed"}


def test_a_renewal_is_one_update_for_the_claims_of_the_batch_still_held(follow_up):
    for _ in range(3):
        emit(EstimateFactory(), "estimate.created")
    process_events(now=timezone.now())
    WorkflowInstance.objects.update(next_run_at=timezone.now())
    now = timezone.now()
    runner = Runner("w1")
    ids = [i.pk for i in runner.claim(now)]
    cancel_instance(instance_id=ids[0], reason="customer called", actor="staff")
    keeper = ClaimKeeper("w1", ids, claimed_at=now, lease=timedelta(minutes=5),
                         lock=runner._writing)
    with CaptureQueriesContext(connection) as queries:
        keeper.renew()
    assert len(queries) == 1
    assert [keeper.holds(pk) for pk in ids] == [False, True, True]
    renewed = WorkflowInstance.objects.filter(claim_expires_at__gt=now + timedelta(minutes=5))
    assert sorted(renewed.values_list("id", flat=True)) == ids[1:]


def test_the_claims_are_renewed_no_more_once_the_batch_ends_even_when_it_fails(
        follow_up, monkeypatch):
    emit(EstimateFactory(), "estimate.created")
    process_events(now=timezone.now())
    WorkflowInstance.objects.update(next_run_at=timezone.now())
    runner = Runner("w1")
    monkeypatch.setattr(runner, "flush", lambda runs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        runner.run_due()
    assert "claims-w1" not in [thread.name for thread in threading.enumerate()]


def test_a_worker_whose_only_instance_staff_cancelled_mid_step_goes_on(postgres_only,
                                                                       make_definition, fifos):
    make_definition(trigger_conditions={}, steps=[{"id": "slow", "type": "test_slow",
                                                   "block": True}])
    emit(EstimateFactory(), "estimate.created")
    proc = spawn("--once", **fifos.env)
    fifos.inside(proc)
    cancel_instance(instance_id=WorkflowInstance.objects.get().pk, reason="customer called",
                    actor="staff")
    fifos.let_go(proc)
    assert "1 steps run" in finish(proc)
    assert WorkflowInstance.objects.get().status == InstanceStatus.CANCELLED
