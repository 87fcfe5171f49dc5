"""The GHL workflow steps (registered from ``GHLConfig.ready``).

    {"id": "to_ghl", "type": "ghl_push_estimate"}
    {"id": "give_up", "type": "ghl_update_opportunity", "stage": "Lost", "status": "lost"}

Both act on the instance's estimate (an ``estimate`` entity), or on ``estimate_id`` (a
template, e.g. ``"{{ event.payload.estimate_id }}"``) when given. Pushing is idempotent by
itself — the estimate's link row is the record of the earlier effect, and is locked while a
push runs — so a re-run after a crash updates the opportunity it created instead of making
another. GHL busy or unreachable → retried by the engine; anything else (no mapping, a 422,
an estimate not in the mirror) fails the step for staff to look at.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ghl.models import OpportunityStatus
from ghl.services.opportunities import ghl_update_opportunity
from ghl.services.plan import PushError
from ghl.services.push import ghl_push_estimate
from workflows.steps.base import (
    Param,
    PermanentStepError,
    StepOutcome,
    StepRun,
    StepType,
    TransientStepError,
    register,
)
from workflows.steps.params import allowed_keys, fail, text
from workflows.templating import render


def estimate_id(run: StepRun) -> int:
    if run.step.get("estimate_id"):
        value = render(str(run.step["estimate_id"]), run.context).strip()
    elif run.entity_type == "estimate":
        value = run.entity_id
    else:
        raise PermanentStepError(f"this instance is about a {run.entity_type}, not an "
                                 f"estimate: give estimate_id")
    try:
        return int(value)
    except ValueError:
        raise PermanentStepError(f"estimate_id rendered to {value!r}, not an id") from None


def step_error(exc: PushError) -> Exception:
    return TransientStepError(str(exc)) if exc.retryable else PermanentStepError(str(exc))


@register
class PushEstimateStep(StepType):
    type = "ghl_push_estimate"
    label = "Push the estimate to GHL"
    side_effects = True
    params = (Param("estimate_id", "text", "estimate id",
                    help="empty: the instance's estimate"),)

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "estimate_id")
        text(step, "estimate_id", required=False)

    def run(self, run: StepRun) -> StepOutcome:
        try:
            result = ghl_push_estimate(estimate_id=estimate_id(run))
        except PushError as exc:
            raise step_error(exc) from exc
        return StepOutcome(output=result.as_dict())


@register
class UpdateOpportunityStep(StepType):
    type = "ghl_update_opportunity"
    label = "Move the estimate's GHL opportunity"
    side_effects = True
    params = (
        Param("stage", "text", "stage", help="a stage name or id"),
        Param("status", "choice", "status", choices=tuple(OpportunityStatus.values)),
        Param("estimate_id", "text", "estimate id", help="empty: the instance's estimate"),
    )

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "estimate_id", "stage", "status")
        text(step, "estimate_id", required=False)
        text(step, "stage", required=False)
        if not step.get("stage") and not step.get("status"):
            fail(step, "stage", "give a stage (name or id) and/or a status")
        if step.get("status") is not None and step["status"] not in OpportunityStatus.values:
            fail(step, "status", f"must be one of {', '.join(OpportunityStatus.values)}")

    def run(self, run: StepRun) -> StepOutcome:
        stage = render(run.step["stage"], run.context).strip() if run.step.get("stage") else None
        try:
            result = ghl_update_opportunity(estimate_id=estimate_id(run), stage=stage,
                                            status=run.step.get("status"))
        except PushError as exc:
            raise step_error(exc) from exc
        return StepOutcome(output=result)
