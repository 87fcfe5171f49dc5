"""Running one claimed instance: step after step until it parks, fails or completes.

``InstanceRun`` changes the instance in memory and collects the rows to write; the runner
writes them in one transaction per batch (``runner.flush``). Before a step with side effects
starts, everything so far is flushed together with a step-run row in status ``running``: a
worker killed inside that step leaves a visible attempt that the sweeper turns into a retry,
and the retry reuses the idempotency key. Steps without side effects are written after they
run; re-running one after a crash is harmless.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from workflows import timing
from workflows.engine.context import merge
from workflows.models import InstanceStatus, StepRunStatus, WorkflowAuditLog, WorkflowInstance
from workflows.models import WorkflowStepRun as StepRunRow
from workflows.steps.base import (
    REGISTRY,
    PermanentStepError,
    StepError,
    StepOutcome,
    StepRun,
    StepType,
    TransientStepError,
)

log = logging.getLogger(__name__)
# A definition that loops without ever waiting would hold a worker forever: after this many
# steps in one claim the instance fails instead.
MAX_STEPS_PER_CLAIM = 200
DEFAULT_BACKOFF = timedelta(seconds=30)
# A Retry-After is honoured up to this (a date years ahead would park the instance for good).
LONGEST_RETRY_AFTER = timedelta(days=1)


def _asked(failure: StepError) -> timedelta:
    """How long the far side asked us to wait (``retry_after``), at most a day."""
    if not failure.retry_after:
        return timedelta(0)
    return timedelta(seconds=min(failure.retry_after, LONGEST_RETRY_AFTER.total_seconds()))


class ClaimLost(Exception):
    """The instance is no longer this worker's (cancelled by staff, or its lease expired)."""


def idempotency_key(instance: WorkflowInstance, step_id: str) -> str:
    """``wf-<instance>-<step id>``; a step entered again by a loop gets ``-<visit>``."""
    visit = instance.visits.get(step_id, 1)
    return f"wf-{instance.pk}-{step_id}" + (f"-{visit}" if visit > 1 else "")


class InstanceRun:
    def __init__(self, instance: WorkflowInstance, worker: str,
                 flush: Callable[[list[InstanceRun]], None], *,
                 claimed_at: datetime | None = None):
        self.instance = instance
        self.worker = worker
        self._flush = flush
        self.claimed_at = claimed_at or timezone.now()   # since when it is out of sight
        self.new_rows: list[StepRunRow] = []
        self.done_rows: list[StepRunRow] = []     # pre-written rows to update
        self.audit: list[WorkflowAuditLog] = []
        self.steps_run = 0
        self.lost = False     # set by the flush when the instance is no longer ours

    @property
    def awaits_event(self) -> bool:
        """Parked waiting for an event (to be saved so by the next flush)."""
        return self.instance.status == InstanceStatus.WAITING and bool(
            self.instance.wait_event_type)

    def run(self) -> None:
        instance = self.instance
        if instance.wait_event_type:
            self._time_out()
        for _ in range(MAX_STEPS_PER_CLAIM):
            if instance.status != InstanceStatus.RUNNING:
                return
            if not instance.current_step:
                self._complete("completed")
                return
            self._run_step(timezone.now())
        instance.last_error = (f"ran {MAX_STEPS_PER_CLAIM} steps without waiting: a loop "
                               f"without a wait step?")
        self._finish(InstanceStatus.FAILED, instance.last_error)

    def _run_step(self, now: datetime) -> None:
        instance = self.instance
        step = instance.version.step(instance.current_step)
        step_type = REGISTRY.get(step["type"]) if step else None
        row = StepRunRow(instance=instance, step_id=instance.current_step,
                         step_type=step["type"] if step else "?", attempt=instance.attempts + 1,
                         status=StepRunStatus.RUNNING, worker=self.worker, started_at=now,
                         idempotency_key=idempotency_key(instance, instance.current_step),
                         input=step_type.recorded_input(step) if step and step_type
                         else step or {})
        if step_type is not None and step_type.side_effects:
            self.new_rows.append(row)
            self._flush([self])
            if self.lost:                 # the step must not start
                raise ClaimLost(instance.pk)
        started = time.perf_counter()
        result = self._call(step, step_type, row, now)
        row.finished_at = timezone.now()
        row.duration_ms = (time.perf_counter() - started) * 1000
        (self.done_rows if row.pk else self.new_rows).append(row)
        self.steps_run += 1
        if isinstance(result, StepOutcome):
            self._succeeded(row, step, result)
        else:
            self._failed(row, step, step_type, result)

    def _call(self, step: dict | None, step_type: StepType | None, row: StepRunRow,
              now: datetime) -> StepOutcome | StepError:
        """The step's outcome, or why it failed (any other exception counts as transient)."""
        if step is None:
            return PermanentStepError(f"step {row.step_id!r} is not in version "
                                      f"{self.instance.version}")
        if step_type is None:
            # Not installed (yet): a deploy problem that a later attempt may not have.
            return TransientStepError(f"unknown step type {step['type']!r}")
        instance = self.instance
        run = StepRun(instance_id=instance.pk, definition_id=instance.definition_id, step=step,
                      context=instance.context, entity_type=instance.entity_type,
                      entity_id=instance.entity_id, idempotency_key=row.idempotency_key,
                      attempt=row.attempt, now=now, customer_id=instance.customer_id)
        try:
            return step_type.run(run)
        except StepError as exc:
            return exc
        except Exception as exc:
            log.exception("step %s of instance %s raised", row.step_id, instance.pk)
            return TransientStepError(f"{exc.__class__.__name__}: {exc}")

    def _succeeded(self, row: StepRunRow, step: dict, outcome: StepOutcome) -> None:
        instance, version = self.instance, self.instance.version
        row.status, row.output = StepRunStatus.SUCCEEDED, outcome.output
        context = merge(instance.context, outcome.context)
        context["steps"] = {**context.get("steps", {}), step["id"]: outcome.output}
        instance.context, instance.attempts, instance.last_error = context, 0, ""
        if outcome.end:
            self._complete(f"ended at step {step['id']}")
            return
        if outcome.rerun_at is not None:
            self._park(InstanceStatus.WAITING, outcome.rerun_at, f"re-runs {step['id']}")
            return
        following = outcome.goto or version.step_after(step["id"])
        if outcome.goto and version.step(outcome.goto) is None:
            self._fail(row, f"step {step['id']} jumped to unknown step {outcome.goto!r}")
            return
        self._enter(following)
        if outcome.wait_for_event:
            self._wait_for_event(step["id"], outcome, following)
        elif outcome.wait_until is not None:
            self._park(InstanceStatus.WAITING, outcome.wait_until,
                       f"waiting until {outcome.wait_until.isoformat()}")

    def _wait_for_event(self, step_id: str, outcome: StepOutcome, following: str | None) -> None:
        instance = self.instance
        instance.wait_event_type = outcome.wait_for_event
        instance.wait_correlation = {k: str(v) for k, v in outcome.wait_correlation.items()}
        instance.wait_step = step_id
        instance.timeout_step = outcome.timeout_goto or following or ""
        self._park(InstanceStatus.WAITING, outcome.wait_timeout_at,
                   f"waiting for {outcome.wait_for_event}")

    def _enter(self, step_id: str | None) -> None:
        instance = self.instance
        instance.current_step = step_id or ""
        if step_id:
            instance.visits = {**instance.visits, step_id: instance.visits.get(step_id, 0) + 1}

    def _failed(self, row: StepRunRow, step: dict | None, step_type: StepType | None,
                failure: StepError) -> None:
        instance = self.instance
        instance.attempts += 1
        error = str(failure) or failure.__class__.__name__
        instance.last_error = row.error = error
        limit = (step or {}).get("max_attempts", step_type.max_attempts if step_type else 5)
        if failure.transient and instance.attempts < limit:
            row.status = StepRunStatus.RETRYING
            base = timing.parse_duration(step["backoff"]) if step and "backoff" in step \
                else DEFAULT_BACKOFF
            retry_at = timezone.now() + max(timing.backoff(instance.attempts, base),
                                            _asked(failure))
            self._park(InstanceStatus.PENDING, retry_at,
                       f"retrying {row.step_id} at {retry_at.isoformat()}")
        else:
            self._fail(row, error)

    def _fail(self, row: StepRunRow, error: str) -> None:
        row.status = StepRunStatus.FAILED
        row.error = self.instance.last_error = error
        self._finish(InstanceStatus.FAILED, f"step {row.step_id} failed: {error}")

    def _time_out(self) -> None:
        instance = self.instance
        instance.context = merge(instance.context, {"steps": {instance.wait_step: {
            "timed_out": True}}})
        self.audit.append(WorkflowAuditLog(instance=instance, action="timed_out",
                                           actor="engine",
                                           detail=f"no {instance.wait_event_type} arrived"))
        instance.wait_event_type, instance.wait_correlation = "", {}
        self._enter(instance.timeout_step or None)

    def _complete(self, detail: str) -> None:
        self._finish(InstanceStatus.COMPLETED, detail)

    def _finish(self, status: str, detail: str) -> None:
        self._park(status, None, detail)
        self.instance.finished_at = timezone.now()

    def _park(self, status: str, next_run_at: datetime | None, detail: str) -> None:
        instance = self.instance
        instance.status, instance.next_run_at = status, next_run_at
        instance.status_detail = detail[:255]
        instance.claimed_by, instance.claim_expires_at = "", None
