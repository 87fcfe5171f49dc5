"""Workflow tables: the event outbox, definitions and their immutable versions, instances,
step runs, the per-event match record (what explain shows), the staff audit log and the
report an import keeps with the definition it created."""

from workflows.models.definitions import (
    ReentryPolicy,
    WorkflowDefinition,
    WorkflowDefinitionVersion,
)
from workflows.models.events import MatchOutcome, WorkflowEvent, WorkflowEventMatch
from workflows.models.imports import WorkflowImportReport
from workflows.models.instances import (
    DUE_STATUSES,
    LIVE_STATUSES,
    InstanceStatus,
    StepRunStatus,
    WorkflowAuditLog,
    WorkflowInstance,
    WorkflowStepRun,
)

__all__ = [
    "DUE_STATUSES",
    "LIVE_STATUSES",
    "InstanceStatus",
    "MatchOutcome",
    "ReentryPolicy",
    "StepRunStatus",
    "WorkflowAuditLog",
    "WorkflowDefinition",
    "WorkflowDefinitionVersion",
    "WorkflowEvent",
    "WorkflowEventMatch",
    "WorkflowImportReport",
    "WorkflowInstance",
    "WorkflowStepRun",
]
