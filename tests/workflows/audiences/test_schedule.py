"""The schedule: every few minutes, the audiences whose local time has come and that were not
evaluated today; a failure is recorded and retried later, and does not stop the others."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine

from config.schedules import declared_schedules
from tests.workflows.audiences.conftest import local
from tests.workflows.factories import CustomerFactory
from workflows import tasks
from workflows.audiences import evaluation
from workflows.audiences.evaluation import due_definitions, evaluate_due_audiences
from workflows.models import AudienceRun, AudienceRunStatus
from workflows.services import definition_save

pytestmark = pytest.mark.django_db


def test_the_cluster_evaluates_audiences_every_five_minutes():
    spec = next(s for s in declared_schedules() if s.name == "workflows-audiences")
    assert (spec.func, spec.minutes) == ("workflows.tasks.evaluate_audiences", 5)


def test_an_audience_is_due_from_its_local_time_until_it_has_run_today(make_audience):
    definition = make_audience(at="09:30")
    assert due_definitions(local(2026, 5, 10, 9, 29)) == []
    assert due_definitions(local(2026, 5, 10, 9, 30)) == [definition]
    evaluate_due_audiences(local(2026, 5, 10, 9, 31))
    assert due_definitions(local(2026, 5, 10, 23, 59)) == []
    assert due_definitions(local(2026, 5, 11, 9, 30)) == [definition]


def test_the_default_time_is_nine_in_the_business_time_zone(make_audience, settings):
    definition = make_audience()
    settings.BUSINESS_TIME_ZONE = "America/Los_Angeles"
    assert due_definitions(local(2026, 5, 10, 11, 59)) == []   # 08:59 in Los Angeles
    assert due_definitions(local(2026, 5, 10, 12, 0)) == [definition]


def test_the_task_evaluates_what_is_due(make_audience):
    CustomerFactory()
    make_audience()
    with time_machine.travel(local(2026, 5, 10, 9, 5), tick=False):
        assert tasks.evaluate_audiences().startswith("1 audience(s) evaluated")
        assert tasks.evaluate_audiences().startswith("0 audience(s) evaluated")


def test_a_failed_evaluation_is_recorded_and_the_others_still_run(make_audience):
    broken = make_audience()
    second = definition_save(data={**_data(broken), "name": "Another"}, actor="test")
    real = evaluation._evaluate

    def fail_first(version, now):
        if version.definition_id == broken.pk:
            raise RuntimeError("the database went away")
        return real(version, now)

    now = local(2026, 5, 10, 9, 0)
    with mock.patch.object(evaluation, "_evaluate", side_effect=fail_first):
        runs = evaluate_due_audiences(now)
    failed = AudienceRun.objects.get(definition=broken)
    assert (failed.status, failed.error) == (AudienceRunStatus.FAILED,
                                             "RuntimeError: the database went away")
    assert [r.definition_id for r in runs if r.status == "completed"] == [second.pk]
    assert due_definitions(now + timedelta(minutes=10)) == []
    assert due_definitions(now + timedelta(minutes=31)) == [broken]


def _data(definition) -> dict:
    return {"name": definition.name, "trigger_kind": "audience",
            "audience": definition.audience, "steps": definition.steps, "active": True}
