"""``wait_for_event``: park until a matching event arrives, or a timeout.

    {"id": "reply", "type": "wait_for_event", "event": "sms.received",
     "correlation": {"phone": "{{ customer.phone }}"},
     "timeout": "3d", "timeout_goto": "no_reply"}

An event matches when its payload has every correlation key with the same value, compared as
text (values are templates rendered against the context when the step runs; one that renders
empty fails the step, since it would never match). On arrival the event's payload is in the
context as ``steps.<id>.event`` and the instance goes on with the next step; on timeout
``steps.<id>.timed_out`` is true and it goes on at ``timeout_goto`` (default: the next step).
Without a timeout it waits until the event comes or staff cancel it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows import timing
from workflows.steps.base import (
    Param,
    PermanentStepError,
    StepOutcome,
    StepRun,
    StepType,
    register,
)
from workflows.steps.params import allowed_keys, fail, string_map, where
from workflows.templating import render_data


@register
class WaitForEventStep(StepType):
    type = "wait_for_event"
    label = "Wait for an event"
    goto_params = ("timeout_goto",)
    outputs = ("event.body", "event.phone", "timed_out")
    params = (
        Param("event", "event", "event", required=True),
        Param("correlation", "map", "matching", required=True,
              help='e.g. phone → {{ steps.text.phone }}'),
        Param("timeout", "duration", "give up after", help="e.g. 3d; empty: wait until it comes"),
        Param("timeout_goto", "step", "then go to", help="on timeout; empty: the next step"),
    )

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "event", "correlation", "timeout", "timeout_goto")
        if not isinstance(step.get("event"), str) or "." not in step["event"]:
            fail(step, "event", "must be an event type such as sms.received")
        if not step.get("correlation"):
            fail(step, "correlation", "give at least one key the event must match, e.g. "
                                      '{"phone": "{{ customer.phone }}"}')
        string_map(step, "correlation")
        if "timeout" in step:
            timing.parse_duration(step["timeout"], where(step, "timeout"))
        elif "timeout_goto" in step:
            fail(step, "timeout_goto", "needs a timeout")

    def run(self, run: StepRun) -> StepOutcome:
        correlation = {k: str(v) for k, v in render_data(dict(run.step["correlation"]),
                                                         run.context).items()}
        empty = [k for k, v in correlation.items() if not v.strip()]
        if empty:
            raise PermanentStepError(f"correlation {', '.join(empty)} rendered empty: the "
                                     f"event could never be matched")
        timeout_at = None
        if "timeout" in run.step:
            timeout_at = run.now + timing.parse_duration(run.step["timeout"])
        return StepOutcome(
            output={"waiting_for": run.step["event"], "correlation": correlation},
            wait_for_event=run.step["event"], wait_correlation=correlation,
            wait_timeout_at=timeout_at, timeout_goto=run.step.get("timeout_goto"))
