"""Helpers for the audience tests: who a rule selects at a moment, and moments. (The
``make_audience`` fixture is in ``tests/workflows/conftest.py``.)"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from workflows.audiences.compiler import compile_rule
from workflows.audiences.fields import model_of
from workflows.audiences.periods import Clock

NEW_YORK = ZoneInfo("America/New_York")


def selected(entity: str, rule: dict, now: datetime | None = None) -> set[int]:
    """The ids of the ``entity`` records ``rule`` selects at ``now`` (default: the clock)."""
    compiled = compile_rule(rule, entity, Clock(now or timezone.now()), "audience.rule")
    return set(model_of(entity).objects.filter(compiled.q).values_list("pk", flat=True))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NEW_YORK)
