"""Step types, one module each, registered with ``workflows.steps.base.register``.

Other apps register theirs from their AppConfig.ready (messaging: ``send_sms``; ghl:
``ghl_push_estimate``, ``ghl_update_opportunity``)."""

from workflows.steps.base import (
    REGISTRY,
    PermanentStepError,
    StepOutcome,
    StepRun,
    StepType,
    TransientStepError,
    get_step_type,
    register,
)

__all__ = [
    "REGISTRY",
    "PermanentStepError",
    "StepOutcome",
    "StepRun",
    "StepType",
    "TransientStepError",
    "get_step_type",
    "register",
]
