"""Helpers for the audience tests: who a rule selects right now, and audience definitions."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from workflows.audiences.compiler import compile_rule
from workflows.audiences.fields import model_of
from workflows.audiences.periods import Clock
from workflows.services import definition_save

NEW_YORK = ZoneInfo("America/New_York")


def selected(entity: str, rule: dict, now: datetime | None = None) -> set[int]:
    """The ids of the ``entity`` records ``rule`` selects at ``now`` (default: the clock)."""
    compiled = compile_rule(rule, entity, Clock(now or timezone.now()), "audience.rule")
    return set(model_of(entity).objects.filter(compiled.q).values_list("pk", flat=True))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NEW_YORK)


AUDIENCE = {
    "name": "Lapsed customers",
    "trigger_kind": "audience",
    "audience": {
        "entity": "customer",
        "rule": {"not": {"has": "job", "where": {"field": "completed_on", "op": "within_last",
                                                 "value": "12mo"}}},
    },
    "steps": [{"id": "text", "type": "test_text", "purpose": "marketing",
               "body": "Hi {{ customer.first_name }}, it has been a while."}],
    "active": True,
}


@pytest.fixture
def make_audience(db, settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"

    def make(**audience):
        data = {**AUDIENCE, "audience": {**AUDIENCE["audience"], **audience}}
        return definition_save(data=data, actor="test")
    return make
