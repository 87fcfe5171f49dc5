"""The worker against real processes: LISTEN/NOTIFY, two workers, a worker killed mid-step.

Subprocesses run ``tests/workflows/worker.py`` (``workflows_run`` with the test step kit) on
the test database (helpers in ``tests/workflows/processes.py``).
"""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from tests.workflows.factories import EstimateFactory, emit
from tests.workflows.processes import GUARD, in_thread, read_until, spawn
from workflows.engine import Worker
from workflows.engine.worker import Listener
from workflows.models import InstanceStatus, StepRunStatus, WorkflowInstance, WorkflowStepRun

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_committed_event_wakes_the_listener(postgres_only, follow_up):
    listener = Listener()
    try:
        emit(EstimateFactory(), "estimate.created")
        assert listener.wait(timeout=GUARD) is True
    finally:
        listener.close()


def test_an_event_wakes_the_listener_only_when_its_transaction_commits(postgres_only,
                                                                       follow_up):
    listener = Listener()
    try:
        with transaction.atomic():
            emit(EstimateFactory(), "estimate.created")
            assert listener.wait(timeout=0.2) is False
        assert listener.wait(timeout=GUARD) is True
    finally:
        listener.close()


def test_the_foreground_worker_starts_an_instance_when_an_event_commits(postgres_only,
                                                                        follow_up):
    proc = spawn("--poll", "600", "-v", "2")
    try:
        read_until(proc, "running")
        emit(EstimateFactory(), "estimate.created")
        read_until(proc, "1 instances started")
        assert WorkflowInstance.objects.get().status == InstanceStatus.WAITING
    finally:
        proc.send_signal(signal.SIGTERM)
    assert "stopped:" in in_thread(lambda: proc.communicate()[0], proc)
    assert proc.returncode == 0


def test_two_workers_never_run_one_step_twice(postgres_only, make_definition, tmp_path):
    make_definition(reentry="always", steps=[{"id": "a", "type": "test_effect"},
                                             {"id": "b", "type": "test_effect"}])
    for _ in range(150):
        emit(EstimateFactory(), "estimate.created")
    effects = tmp_path / "effects"
    fifos = [tmp_path / "start-1", tmp_path / "start-2"]
    for fifo in fifos:
        os.mkfifo(fifo)
    procs = [spawn("--start-fifo", str(f), "--once", "--batch", "5", WF_TEST_EFFECTS=str(effects))
             for f in fifos]
    for fifo, proc in zip(fifos, procs, strict=True):
        in_thread(lambda f=fifo: Path(f).write_text("go"), proc)  # blocks until it listens
    outputs = [in_thread(lambda p=p: p.communicate()[0], p) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    lines = [line.split() for line in effects.read_text().splitlines()]
    keys = [key for key, _pid in lines]
    assert len(keys) == 300 and len(set(keys)) == 300
    assert len({pid for _key, pid in lines}) == 2, "both workers should have taken work"
    assert WorkflowInstance.objects.filter(status=InstanceStatus.COMPLETED).count() == 150


def test_a_worker_killed_mid_step_leaves_a_retryable_step_whose_rerun_does_not_repeat_the_effect(
        make_definition, tmp_path, monkeypatch):
    make_definition(steps=[{"id": "effect", "type": "test_effect", "dedupe": True,
                            "block": True}])
    emit(EstimateFactory(), "estimate.created")
    effects, ready, release = tmp_path / "effects", tmp_path / "ready", tmp_path / "release"
    os.mkfifo(ready)
    os.mkfifo(release)
    proc = spawn("--once", WF_TEST_EFFECTS=str(effects), WF_TEST_READY=str(ready),
                 WF_TEST_RELEASE=str(release))
    assert in_thread(lambda: ready.open().readline(), proc) == "inside the step\n"
    proc.send_signal(signal.SIGKILL)
    proc.communicate()

    attempt = WorkflowStepRun.objects.get()
    assert attempt.status == StepRunStatus.RUNNING   # visible, and retryable once swept
    monkeypatch.setenv("WF_TEST_EFFECTS", str(effects))
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        Worker(name="rescuer").drain()
    runs = list(WorkflowStepRun.objects.order_by("id").values_list("status", "output"))
    assert runs == [("lost", {}), ("succeeded", {"found_earlier_effect": True})]
    assert len(effects.read_text().splitlines()) == 1
    assert WorkflowInstance.objects.get().status == InstanceStatus.COMPLETED
