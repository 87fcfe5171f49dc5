import pytest

from tests.workflows.factories import EstimateFactory, emit
from workflows.models import WorkflowInstance
from workflows.schedules import SCHEDULES
from workflows.tasks import tick

pytestmark = pytest.mark.django_db


def test_the_tick_drains_what_is_due_and_returns(follow_up):
    emit(EstimateFactory(), "estimate.created")
    assert tick().startswith("drained: 1 events, 1 instances started")
    assert WorkflowInstance.objects.count() == 1


def test_a_tick_with_nothing_due_does_nothing():
    assert tick().startswith("drained: 0 events, 0 instances started")


def test_the_tick_is_scheduled_every_minute_and_the_audiences_every_five():
    assert [(s.func, s.minutes) for s in SCHEDULES] == [
        ("workflows.tasks.tick", 1), ("workflows.tasks.evaluate_audiences", 5)]


def test_a_drain_with_no_time_left_stops_before_taking_work(follow_up):
    from workflows.engine import Worker

    emit(EstimateFactory(), "estimate.created")
    assert Worker().drain(max_seconds=0).events == 0
    assert Worker().drain(max_seconds=60).events == 1
