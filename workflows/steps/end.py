"""``end``: complete the instance here (the steps after it run only when a branch jumps to
them).

    {"id": "done", "type": "end"}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.steps.base import StepOutcome, StepRun, StepType, register
from workflows.steps.params import allowed_keys


@register
class EndStep(StepType):
    type = "end"
    label = "End"

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step)

    def run(self, run: StepRun) -> StepOutcome:
        return StepOutcome(end=True)
