"""Workflow tables: the event outbox, definitions and their immutable versions, instances,
step runs, the per-event match record (what explain shows), the staff audit log, the report
an import keeps with the definition it created and the run log of audience triggers."""

from workflows.models.audiences import AudienceRun, AudienceRunStatus
from workflows.models.definitions import (
    ReentryPolicy,
    TriggerKind,
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
    "AudienceRun",
    "AudienceRunStatus",
    "InstanceStatus",
    "MatchOutcome",
    "ReentryPolicy",
    "StepRunStatus",
    "TriggerKind",
    "WorkflowAuditLog",
    "WorkflowDefinition",
    "WorkflowDefinitionVersion",
    "WorkflowEvent",
    "WorkflowEventMatch",
    "WorkflowImportReport",
    "WorkflowInstance",
    "WorkflowStepRun",
]
