"""The contract between the workflow engine and its step types.

A step type is a class registered under its ``type`` name with ``@register``. The engine gives
``run`` a ``StepRun`` (what the step needs to know) and records the ``StepOutcome`` it returns
as the step run's output. A step with side effects passes ``run.idempotency_key`` to the service
it calls, so a re-run after a crash finds its earlier effect instead of repeating it.

Errors: raise ``TransientStepError`` when a later attempt may succeed (the engine retries with
backoff up to the step's attempt limit, and not before its ``retry_after``) and
``PermanentStepError`` when it cannot (the instance fails at this step; staff can retry it from
the admin). Any other exception counts as transient. A step calling a vendor turns the
vendor's ``config.vendor_http.VendorError`` into one of these by its ``retryable``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError


class StepError(Exception):
    """``retry_after``: the seconds the far side asked us to wait before trying again (its
    ``Retry-After``); the engine's next attempt of a transient error comes no sooner."""

    transient: ClassVar[bool] = True
    retry_after: float | None = None

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientStepError(StepError):
    transient = True


class PermanentStepError(StepError):
    transient = False


@dataclass(frozen=True)
class StepRun:
    instance_id: int
    definition_id: int
    step: Mapping[str, Any]          # this step's definition: {"id", "type", ...params}
    context: Mapping[str, Any]       # the instance context (read-only; return changes)
    entity_type: str                 # what the instance is about, e.g. "estimate"
    entity_id: str
    idempotency_key: str             # stable per instance and step: "wf-<instance>-<step id>"
    attempt: int                     # 1 for the first attempt
    now: datetime
    # The customer the instance is about, found when it started (the entity's, else the
    # trigger payload's customer_id); None when nobody knew it. Steps use this one.
    customer_id: int | None = None


@dataclass
class StepOutcome:
    """What happens next. The default (nothing set) is: go on with the following step now."""

    output: dict[str, Any] = field(default_factory=dict)   # recorded on the step run
    context: dict[str, Any] = field(default_factory=dict)  # merged into the instance context
    goto: str | None = None            # id of the next step (None: the following one)
    end: bool = False                  # the instance completes after this step
    wait_until: datetime | None = None  # park until then, then continue with goto/the next step
    rerun_at: datetime | None = None   # park until then, then run this same step again
    # Park until an event of this type whose payload contains every key/value of
    # ``wait_correlation`` arrives (its payload lands in the context under
    # ``steps.<step id>.event``), or until ``wait_timeout_at``; then go on with goto/next.
    wait_for_event: str | None = None
    wait_correlation: dict[str, Any] = field(default_factory=dict)
    wait_timeout_at: datetime | None = None
    timeout_goto: str | None = None    # where to go on timeout (None: same as on arrival)


@dataclass(frozen=True)
class Param:
    """One parameter of a step type, as the definition editor shows it. ``kind`` picks the
    control: ``text``, ``template`` (multi-line text with placeholders), ``sms`` (a template
    shown with a live preview and its segment count), ``duration`` (2d, 90m), ``time`` (09:30),
    ``choice`` (one of ``choices``), ``number``, ``step`` (another step's id), ``rule`` (rule
    rows), ``event`` (an event type), ``groups`` (Django group names), ``strings`` (a list of
    texts), ``map`` (names to texts) or ``json`` (any JSON value)."""

    name: str
    kind: str = "text"
    label: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    default: Any = None
    # kind "sms": how many parts (SMS segments) a rendered text takes, for the preview; the
    # app that sends it knows (workflows does not import messaging).
    measure: Callable[[str], int] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "label": self.label or self.name,
                "required": self.required, "choices": list(self.choices), "help": self.help,
                "default": self.default}


class StepType:
    type: ClassVar[str]
    label: ClassVar[str] = ""
    # What the definition editor shows for this type (validate stays the judge), and what a
    # later step's rule can read of its output (``steps.<id>.<output>``).
    params: ClassVar[tuple[Param, ...]] = ()
    outputs: ClassVar[tuple[str, ...]] = ()
    side_effects: ClassVar[bool] = False   # True: passes the idempotency key on
    max_attempts: ClassVar[int] = 5        # a step definition may lower or raise it
    # Parameters that name another step ("then", "else", …): the definition validator checks
    # that each names a step of the same definition.
    goto_params: ClassVar[tuple[str, ...]] = ()

    def validate(self, step: Mapping[str, Any]) -> None:
        """Raise ``ValidationError`` naming the bad parameter; called when a definition is
        saved or imported."""

    def run(self, run: StepRun) -> StepOutcome:
        raise NotImplementedError

    def recorded_input(self, step: Mapping[str, Any]) -> Mapping[str, Any]:
        """What the step run records as its input: the step's definition, less anything a
        Viewer must not read there (a step that sends credentials redacts them)."""
        return step

    def written_credentials(self, step: Mapping[str, Any]) -> list[str]:
        """Where ``step`` holds a credential written into the definition itself (stored and
        exported with it) rather than named as a secret: "header 'Authorization'", …"""
        return []


REGISTRY: dict[str, StepType] = {}


def register(cls: type[StepType]) -> type[StepType]:
    if cls.type in REGISTRY:
        raise ValueError(f"step type {cls.type!r} is registered twice")
    REGISTRY[cls.type] = cls()
    return cls


def get_step_type(name: str) -> StepType:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValidationError(
            f"unknown step type {name!r}; known: {', '.join(sorted(REGISTRY))}"
        ) from None
