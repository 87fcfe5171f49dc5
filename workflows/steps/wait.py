"""``wait``: park the instance, then go on with the next step.

    {"id": "w1", "type": "wait", "duration": "2d"}
    {"id": "w2", "type": "wait", "until": "09:30"}                       next 09:30
    {"id": "w3", "type": "wait", "until": "next_business_day", "at": "09:00"}

Times are in ``BUSINESS_TIME_ZONE``; business days are Monday to Friday.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from workflows import timing
from workflows.steps.base import Param, StepOutcome, StepRun, StepType, register
from workflows.steps.params import allowed_keys, fail, where

NEXT_BUSINESS_DAY = "next_business_day"


def wake_time(step: Mapping[str, Any], now: datetime) -> datetime:
    if "duration" in step:
        return now + timing.parse_duration(step["duration"], where(step, "duration"))
    if step["until"] == NEXT_BUSINESS_DAY:
        at = timing.parse_time_of_day(step.get("at", "09:00"), where(step, "at"))
        return timing.next_business_day(now, at)
    return timing.next_time_of_day(now, timing.parse_time_of_day(step["until"],
                                                                 where(step, "until")))


@register
class WaitStep(StepType):
    type = "wait"
    label = "Wait"
    params = (
        Param("duration", "duration", "wait for", help="e.g. 2d, 3h, 1w, 1d12h"),
        Param("until", "text", "or until", help="a time of day (09:30) or next_business_day "
                                                "(instead of a duration)"),
        Param("at", "time", "at", help="with next_business_day: the time (default 09:00)"),
    )

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "duration", "until", "at")
        if ("duration" in step) == ("until" in step):
            fail(step, "duration", "give either a duration or until (a time of day or "
                                   "next_business_day), not both or neither")
        if "at" in step and step.get("until") != NEXT_BUSINESS_DAY:
            fail(step, "at", "only goes with until: next_business_day")
        wake_time(step, timezone.now())  # parses every value

    def run(self, run: StepRun) -> StepOutcome:
        until = wake_time(run.step, run.now)
        return StepOutcome(output={"until": until.isoformat()}, wait_until=until)
