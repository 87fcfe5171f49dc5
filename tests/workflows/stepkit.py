"""Test-only step types. The test process registers them from conftest; worker subprocesses
import them through ``tests/workflows/worker.py``.

- ``test_text``: a text message stand-in with ``send_sms``'s parameters; records the rendered
  body (and the customer the engine gave the step) in ``SENT`` (the engine tests use it, so
  they do not depend on messaging).
- ``send_sms``: the same stand-in, registered only while messaging has not registered the
  real one, so definitions naming ``send_sms`` (the standard ones) validate.
- ``test_effect``: appends ``<idempotency key> <pid>`` to the file in ``$WF_TEST_EFFECTS``.
  With ``"dedupe": true`` it first looks for its key there and, when found, does nothing
  (the pattern a real side effect follows). With ``"block": true``, in a process whose
  environment names the FIFOs, it then writes a line to ``$WF_TEST_READY`` and blocks reading
  ``$WF_TEST_RELEASE`` (elsewhere it goes straight on: a second worker in the test process).
- ``test_slow``: the same without side effects (a slow read or computation): the engine
  writes nothing before it starts.
- ``test_flaky``: fails transiently on the first ``fail_times`` attempts, or permanently
  when ``"permanent": true``.
"""

from __future__ import annotations

import os
from pathlib import Path

from workflows.steps.base import (
    REGISTRY,
    PermanentStepError,
    StepOutcome,
    StepRun,
    StepType,
    TransientStepError,
)
from workflows.templating import render

SENT: list[dict] = []


class RecordingText(StepType):
    type = "test_text"
    side_effects = True

    def run(self, run: StepRun) -> StepOutcome:
        body = render(run.step["body"], run.context)
        SENT.append({"key": run.idempotency_key, "body": body, "entity": run.entity_id,
                     "customer": run.customer_id})
        return StepOutcome(output={"body": body})


class StandInSms(RecordingText):
    type = "send_sms"


class EffectStep(StepType):
    type = "test_effect"
    side_effects = True

    def run(self, run: StepRun) -> StepOutcome:
        path = Path(os.environ["WF_TEST_EFFECTS"])
        if run.step.get("dedupe") and path.exists() and any(
                line.split()[0] == run.idempotency_key for line in path.read_text().splitlines()):
            return StepOutcome(output={"found_earlier_effect": True})
        with path.open("a") as effects:
            effects.write(f"{run.idempotency_key} {os.getpid()}\n")
        if run.step.get("block") and "WF_TEST_READY" in os.environ:
            with open(os.environ["WF_TEST_READY"], "w") as ready:
                ready.write("inside the step\n")
            with open(os.environ["WF_TEST_RELEASE"]) as release:
                release.read()
        return StepOutcome(output={"done": True})


class SlowStep(EffectStep):
    type = "test_slow"
    side_effects = False


class FlakyStep(StepType):
    type = "test_flaky"
    max_attempts = 3

    def run(self, run: StepRun) -> StepOutcome:
        if run.step.get("permanent"):
            raise PermanentStepError("the receiver said no")
        if run.attempt <= run.step.get("fail_times", 0):
            raise TransientStepError(f"try again (attempt {run.attempt})")
        return StepOutcome(output={"attempt": run.attempt})


def register_all() -> list[str]:
    """Register the kit's types that are not registered yet; returns their names."""
    added = []
    for cls in (RecordingText, StandInSms, EffectStep, SlowStep, FlakyStep):
        if cls.type not in REGISTRY:
            REGISTRY[cls.type] = cls()
            added.append(cls.type)
    return added
