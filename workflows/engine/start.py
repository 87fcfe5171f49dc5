"""Creating instances, from a matched event or by staff.

The database decides races: ``wf_instance_once_per_event`` makes a second start from the same
event fail, and ``wf_instance_one_live_per_entity`` refuses a second live instance per
definition and entity (re-entry policy ``one_live``). Callers catch ``IntegrityError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from workflows import entities
from workflows.engine.context import build_context
from workflows.models import (
    InstanceStatus,
    ReentryPolicy,
    WorkflowAuditLog,
    WorkflowDefinitionVersion,
    WorkflowEvent,
    WorkflowInstance,
)


def start_instance(*, version: WorkflowDefinitionVersion, entity_type: str, entity_id: str,
                   payload: Mapping[str, Any], event: WorkflowEvent | None, now: datetime,
                   actor: str = "engine") -> WorkflowInstance:
    """Insert a pending instance due now, inside a savepoint: raises ``IntegrityError`` (and
    leaves the surrounding transaction usable) when a constraint refuses it, or when the
    policy ``once`` finds an earlier instance for the entity."""
    if version.reentry == ReentryPolicy.ONCE and WorkflowInstance.objects.filter(
            definition_id=version.definition_id, entity_type=entity_type,
            entity_id=entity_id).exists():
        raise IntegrityError("re-entry policy once: the entity already had an instance")
    customer_id = entities.customer_id_for(entity_type, entity_id)
    if customer_id is None and payload.get("customer_id") is not None:
        customer_id = entities.int_id(payload.get("customer_id"))
    context = build_context(event_type=event.event_type if event else "manual",
                            event_id=event.pk if event else None, payload=payload,
                            entity_type=entity_type, entity_id=entity_id,
                            customer_id=customer_id)
    with transaction.atomic():
        instance = WorkflowInstance.objects.create(
            definition_id=version.definition_id, version=version, entity_type=entity_type,
            entity_id=entity_id, customer_id=customer_id, trigger_event=event,
            status=InstanceStatus.PENDING, current_step=version.steps[0]["id"],
            next_run_at=now, context=context, visits={version.steps[0]["id"]: 1},
            exclusive=version.reentry != ReentryPolicy.ALWAYS)
        WorkflowAuditLog.objects.create(
            instance=instance, action="started", actor=actor,
            detail=f"by event #{event.pk} {event.event_type}" if event else "started by hand")
    return instance
