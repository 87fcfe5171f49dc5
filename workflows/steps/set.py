"""``set``: write values into the instance context under ``vars``.

    {"id": "s", "type": "set", "values": {"greeting": "Hi {{ customer.name }}", "tries": 1}}

Text values are templates rendered against the context; other JSON values are stored as is.
Later steps read them as ``{{ vars.greeting }}`` (and rules as ``vars.tries``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.steps.base import Param, StepOutcome, StepRun, StepType, register
from workflows.steps.params import allowed_keys, fail, templated
from workflows.templating import render_data


@register
class SetStep(StepType):
    type = "set"
    label = "Set values"
    params = (Param("values", "map", "values", required=True,
                    help="later steps read them as {{ vars.name }}"),)

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "values")
        values = step.get("values")
        if not isinstance(values, Mapping) or not values:
            fail(step, "values", "must be a non-empty object of names to values")
        templated(step, "values")

    def run(self, run: StepRun) -> StepOutcome:
        values = render_data(dict(run.step["values"]), run.context)
        return StepOutcome(output=values, context={"vars": values})
