"""Staff and cross-app actions on workflow instances. Each writes an audit-log row (shown on
the instance's timeline) and raises ``InstanceActionError`` with a clear reason when the
action does not apply (e.g. retrying an instance that has not failed)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from workflows import entities
from workflows.engine.start import start_instance
from workflows.events import notify_workers
from workflows.models import (
    LIVE_STATUSES,
    InstanceStatus,
    StepRunStatus,
    WorkflowAuditLog,
    WorkflowDefinition,
    WorkflowInstance,
    WorkflowStepRun,
)


class InstanceActionError(Exception):
    pass


def _locked(instance_id: int) -> WorkflowInstance:
    try:
        return WorkflowInstance.objects.select_for_update(of=("self",)).select_related(
            "version").get(
            pk=instance_id)
    except WorkflowInstance.DoesNotExist:
        raise InstanceActionError(f"there is no workflow instance #{instance_id}") from None


def _log(instance: WorkflowInstance, action: str, actor: str, detail: str) -> None:
    WorkflowAuditLog.objects.create(instance=instance, action=action, actor=actor,
                                    detail=detail)


@transaction.atomic
def cancel_instance(*, instance_id: int, reason: str, actor: str) -> WorkflowInstance:
    """Cancel a live instance. A step running right now finishes, but the instance does not
    go on (the worker re-checks its claim before writing)."""
    instance = _locked(instance_id)
    if not instance.is_live:
        raise InstanceActionError(f"instance #{instance_id} is {instance.status}; only pending, "
                                  f"running or waiting instances can be cancelled")
    now = timezone.now()
    instance.status, instance.finished_at, instance.next_run_at = (InstanceStatus.CANCELLED,
                                                                   now, None)
    instance.status_detail = f"cancelled by {actor}: {reason}"[:255]
    instance.wait_event_type = ""
    instance.save(update_fields=["status", "finished_at", "next_run_at", "status_detail",
                                 "wait_event_type", "updated_at"])
    _log(instance, "cancelled", actor, reason)
    return instance


def cancel_instances_for_customer(*, customer_id: int, reason: str, actor: str,
                                  only_pending_step_type: str | None = None) -> list[int]:
    """Cancel the customer's live instances; with ``only_pending_step_type`` (e.g.
    ``"send_sms"`` when a number opts out) only those whose next step — or the step they
    go to on a wait's timeout — is of that type. Returns the cancelled instance ids."""
    cancelled = []
    live = WorkflowInstance.objects.filter(customer_id=customer_id,
                                           status__in=LIVE_STATUSES).select_related("version")
    for instance in live:
        if only_pending_step_type and only_pending_step_type not in _next_step_types(instance):
            continue
        try:
            cancel_instance(instance_id=instance.pk, reason=reason, actor=actor)
        except InstanceActionError:
            continue  # it finished meanwhile
        cancelled.append(instance.pk)
    return cancelled


def _next_step_types(instance: WorkflowInstance) -> set[str]:
    ids = {instance.current_step} | ({instance.timeout_step} if instance.wait_event_type
                                     else set())
    return {step["type"] for step in instance.version.steps if step["id"] in ids}


@transaction.atomic
def retry_instance(*, instance_id: int, actor: str) -> WorkflowInstance:
    """Run a failed instance again from the step that failed, now, with fresh attempts. The
    step keeps its idempotency key, so an effect that did happen is found, not repeated."""
    instance = _locked(instance_id)
    if instance.status != InstanceStatus.FAILED:
        raise InstanceActionError(f"instance #{instance_id} is {instance.status}; only failed "
                                  f"instances can be retried")
    _make_due(instance, f"retrying {instance.current_step} (asked by {actor})")
    _log(instance, "retried", actor, f"from step {instance.current_step}")
    return instance


@transaction.atomic
def skip_step(*, instance_id: int, actor: str) -> WorkflowInstance:
    """Skip the step a failed or pending instance is at, going on with the next one now; for
    a waiting instance, end the wait now and go on."""
    instance = _locked(instance_id)
    if instance.status not in (InstanceStatus.FAILED, InstanceStatus.PENDING,
                               InstanceStatus.WAITING):
        raise InstanceActionError(f"instance #{instance_id} is {instance.status}; steps can be "
                                  f"skipped only on failed, pending or waiting instances")
    if instance.status == InstanceStatus.WAITING:
        skipped, detail = "", "ended the wait"
        instance.wait_event_type = ""
    else:
        skipped = instance.current_step
        now = timezone.now()
        WorkflowStepRun.objects.create(
            instance=instance, step_id=skipped, step_type=(instance.version.step(skipped)
                                                           or {}).get("type", "?"),
            attempt=instance.attempts + 1, status=StepRunStatus.SKIPPED, started_at=now,
            finished_at=now, idempotency_key="", worker=actor, output={"skipped_by": actor})
        following = instance.version.step_after(skipped) if skipped else None
        instance.current_step = following or ""
        if following:
            instance.visits = {**instance.visits,
                               following: instance.visits.get(following, 0) + 1}
        detail = f"skipped step {skipped}"
    _make_due(instance, detail)
    _log(instance, "skipped", actor, detail)
    return instance


def _make_due(instance: WorkflowInstance, detail: str) -> None:
    instance.status, instance.next_run_at = InstanceStatus.PENDING, timezone.now()
    instance.attempts, instance.last_error, instance.finished_at = 0, "", None
    instance.status_detail = detail[:255]
    instance.save()
    notify_workers()


@transaction.atomic
def start_instance_manually(*, definition_id: int, entity_type: str, entity_id: str,
                            actor: str) -> WorkflowInstance:
    """Start the definition's current version for an entity now, whatever its trigger and
    conditions say (re-entry still applies). The context's entity is the record's current
    columns."""
    definition = WorkflowDefinition.objects.select_related("current_version").filter(
        pk=definition_id).first()
    if definition is None or definition.current_version is None:
        raise InstanceActionError(f"there is no workflow definition #{definition_id}")
    record = entities.get_record(entity_type, entity_id)
    if record is None:
        raise InstanceActionError(f"no {entity_type} {entity_id} in the ServiceTitan mirror")
    try:
        instance = start_instance(version=definition.current_version, entity_type=entity_type,
                                  entity_id=str(entity_id), payload=entities.snapshot(record),
                                  event=None, now=timezone.now(), actor=actor)
    except IntegrityError:
        raise InstanceActionError(f"{definition} already has a live instance for "
                                  f"{entity_type} {entity_id} (re-entry policy "
                                  f"{definition.current_version.reentry})") from None
    notify_workers()
    return instance
