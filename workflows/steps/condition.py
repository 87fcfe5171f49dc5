"""``condition``: branch on a rule evaluated against the instance context.

    {"id": "big", "type": "condition",
     "rule": {"field": "steps.reply.event.body", "op": "contains", "value": "YES"},
     "then": "thank_you", "else": "remind"}

Fields resolve in the context (``entity``, ``event``, ``customer``, ``steps``, ``vars``),
then in the entity snapshot (``total``), then in live related records (``customer.type``).
``then``/``else`` default to the next step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.conditions import evaluate, validate_rule
from workflows.facts import EntityFacts
from workflows.steps.base import Param, StepOutcome, StepRun, StepType, register
from workflows.steps.params import allowed_keys, fail, where


@register
class ConditionStep(StepType):
    type = "condition"
    label = "Branch on a rule"
    goto_params = ("then", "else")
    outputs = ("passed",)
    params = (
        Param("rule", "rule", "when", required=True),
        Param("then", "step", "then go to", help="empty: the next step"),
        Param("else", "step", "otherwise go to", help="empty: the next step"),
    )

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "rule", "then", "else")
        if "rule" not in step:
            fail(step, "rule", "is required")
        validate_rule(step["rule"], where(step, "rule"))
        if "then" not in step and "else" not in step:
            fail(step, "then", "give then and/or else (a step id)")

    def run(self, run: StepRun) -> StepOutcome:
        facts = EntityFacts.for_context(run.context, run.entity_type, run.entity_id)
        verdict = evaluate(run.step["rule"], facts, "rule")
        goto = run.step.get("then" if verdict.passed else "else")
        return StepOutcome(output={"passed": verdict.passed,
                                   "checks": [c.as_dict() for c in verdict.checks]},
                           goto=goto)
