"""Claiming due instances, running them, and writing the results.

A claim is one short transaction: ``SELECT … FOR UPDATE SKIP LOCKED`` picks due rows no other
worker holds (PostgreSQL; on SQLite the write transaction is exclusive), and an UPDATE marks
them ``running`` with this worker's name and a lease, renewed while the batch runs
(``claims.ClaimKeeper``). Steps run outside any transaction, each instance only while its
claim is still held. Results are written in one transaction per batch, and only for instances
this worker still holds (locked and re-checked): staff may cancel an instance mid-step, and a
claim past its lease may have been swept and taken by another worker. Waits for an event are
caught up on events processed while they were unsaved (``waits``). The sweeper returns claims
whose lease expired to the queue, counting an attempt when a step was in progress.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from workflows.engine import waits
from workflows.engine.bulk import bulk_update
from workflows.engine.claims import ClaimKeeper
from workflows.engine.steprun import ClaimLost, InstanceRun
from workflows.models import (
    DUE_STATUSES,
    InstanceStatus,
    StepRunStatus,
    WorkflowAuditLog,
    WorkflowInstance,
    WorkflowStepRun,
)
from workflows.steps.base import REGISTRY

log = logging.getLogger(__name__)
INSTANCE_FIELDS = ["status", "status_detail", "current_step", "next_run_at", "context",
                   "attempts", "last_error", "visits", "wait_event_type", "wait_correlation",
                   "wait_step", "timeout_step", "claimed_by", "claim_expires_at",
                   "finished_at", "updated_at"]
ROW_FIELDS = ["status", "output", "error", "finished_at", "duration_ms"]


class Runner:
    def __init__(self, worker: str, *, batch_size: int = 100,
                 lease: timedelta = timedelta(minutes=5)):
        self.worker = worker
        self.batch_size = batch_size
        self.lease = lease
        # Held by every write of this runner's claims: its flushes and the claim renewals.
        self._writing = threading.Lock()

    def run_due(self, now: datetime | None = None) -> int:
        """Claim and run one batch of due instances; returns the number of steps run. The
        claims are renewed until the batch is written; an instance whose claim was lost
        before its turn (swept after the renewals stalled, or cancelled) is not run."""
        now = now or timezone.now()
        runs = [InstanceRun(i, self.worker, self.flush, claimed_at=now)
                for i in self.claim(now)]
        if not runs:
            return 0
        with ClaimKeeper(self.worker, [r.instance.pk for r in runs], claimed_at=now,
                         lease=self.lease, lock=self._writing) as claims:
            for run in runs:
                self._run(run, claims)
            self.flush([r for r in runs if not r.lost])
        return sum(r.steps_run for r in runs)

    def _run(self, run: InstanceRun, claims: ClaimKeeper) -> None:
        if not claims.holds(run.instance.pk):
            run.lost = True
            log.info("instance %s was taken from this worker before its turn", run.instance.pk)
            return
        try:
            run.run()
        except ClaimLost:
            log.info("instance %s was taken from this worker mid-run", run.instance.pk)

    def claim(self, now: datetime) -> list[WorkflowInstance]:
        with transaction.atomic():
            due = WorkflowInstance.objects.filter(status__in=DUE_STATUSES,
                                                  next_run_at__lte=now).order_by("next_run_at")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("id", flat=True)[:self.batch_size])
            if not ids:
                return []
            WorkflowInstance.objects.filter(id__in=ids, status__in=DUE_STATUSES).update(
                status=InstanceStatus.RUNNING, claimed_by=self.worker,
                claim_expires_at=now + self.lease, updated_at=now)
        return list(WorkflowInstance.objects.filter(
            id__in=ids, status=InstanceStatus.RUNNING, claimed_by=self.worker,
        ).select_related("version").order_by("next_run_at"))

    def flush(self, runs: list[InstanceRun]) -> None:
        """Write what the runs did, for the instances this worker still holds. A run whose
        instance was taken away is marked ``lost``. A wait for an event that was processed
        while the wait was unsaved is resumed by it here (``waits``)."""
        if not runs:
            return
        now = timezone.now()
        with self._writing, transaction.atomic():
            # Events before instance rows: the order process_events locks them in.
            missed = waits.missed_events([(r.instance, r.claimed_at) for r in runs
                                          if r.awaits_event])
            held = set(WorkflowInstance.objects.select_for_update().filter(
                id__in=[r.instance.pk for r in runs], status=InstanceStatus.RUNNING,
                claimed_by=self.worker).values_list("id", flat=True))
            mine = [r for r in runs if r.instance.pk in held]
            for run in runs:
                run.lost = run.instance.pk not in held
            for run in mine:
                if (event := missed.get(run.instance.pk)) is not None:
                    run.audit.append(waits.wake(run.instance, event, now))
            # A lost run's pre-written "running" row stands for a step that never started.
            new_rows = [row for r in runs for row in r.new_rows
                        if not (r.lost and row.status == StepRunStatus.RUNNING)]
            WorkflowStepRun.objects.bulk_create(new_rows)
            WorkflowStepRun.objects.bulk_update([row for r in runs for row in r.done_rows],
                                                ROW_FIELDS)
            WorkflowAuditLog.objects.bulk_create([a for r in mine for a in r.audit])
            for run in mine:
                run.instance.updated_at = now
            bulk_update([r.instance for r in mine], INSTANCE_FIELDS)
        for run in runs:
            run.new_rows, run.done_rows, run.audit = [], [], []


def sweep_stale_claims(now: datetime | None = None) -> int:
    """Return instances whose claim expired to the queue. A step-run row still ``running``
    means a side-effecting step was in progress: it becomes ``lost`` and counts as a failed
    attempt (so a step that kills its worker every time ends up failed, not looping)."""
    now = now or timezone.now()
    swept = 0
    with transaction.atomic():
        stale = WorkflowInstance.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status=InstanceStatus.RUNNING, claim_expires_at__lt=now).select_related("version")
        for instance in stale:
            _requeue(instance, now)
            swept += 1
    return swept


def _requeue(instance: WorkflowInstance, now: datetime) -> None:
    in_progress = WorkflowStepRun.objects.filter(instance=instance,
                                                 status=StepRunStatus.RUNNING)
    lost = in_progress.update(status=StepRunStatus.LOST, finished_at=now,
                              error=f"worker {instance.claimed_by} lost: lease expired")
    instance.attempts += 1 if lost else 0
    step = instance.version.step(instance.current_step) or {}
    step_type = REGISTRY.get(step.get("type", ""))
    limit = step.get("max_attempts", step_type.max_attempts if step_type else 5)
    failed = instance.attempts >= limit
    instance.status = InstanceStatus.FAILED if failed else InstanceStatus.PENDING
    instance.status_detail = (f"step {instance.current_step} failed: worker lost"
                              if failed else "requeued: worker lost")
    instance.next_run_at = None if failed else now
    instance.finished_at = now if failed else None
    if lost:
        instance.last_error = f"worker {instance.claimed_by} lost during {instance.current_step}"
    WorkflowAuditLog.objects.create(instance=instance, action="worker_lost", actor="engine",
                                    detail=f"claim of {instance.claimed_by} expired; "
                                           f"{'failed' if failed else 'requeued'}")
    instance.claimed_by, instance.claim_expires_at, instance.updated_at = "", None, now
    instance.save(update_fields=INSTANCE_FIELDS)


def next_wake_at() -> datetime | None:
    """When the next instance falls due or the next claim expires (None: nothing scheduled)."""
    due = WorkflowInstance.objects.filter(status__in=DUE_STATUSES).aggregate(
        at=Min("next_run_at"))["at"]
    lease = WorkflowInstance.objects.filter(status=InstanceStatus.RUNNING).aggregate(
        at=Min("claim_expires_at"))["at"]
    return min((t for t in (due, lease) if t is not None), default=None)
