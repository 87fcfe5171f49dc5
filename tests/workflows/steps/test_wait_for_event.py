from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.workflows.factories import EstimateFactory, emit
from workflows.events import Event, record_event
from workflows.models import InstanceStatus, WorkflowInstance

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
STEPS = [
    {"id": "ask", "type": "set", "values": {"phone": "+15550100"}},
    {"id": "reply", "type": "wait_for_event", "event": "sms.received",
     "correlation": {"phone": "{{ vars.phone }}"}, "timeout": "3d", "timeout_goto": "nudge"},
    {"id": "branch", "type": "condition",
     "rule": {"field": "steps.reply.event.body", "op": "contains", "value": "YES"},
     "then": "booked", "else": "nudge"},
    {"id": "booked", "type": "set", "values": {"outcome": "booked"}},
    {"id": "done", "type": "end"},
    {"id": "nudge", "type": "set", "values": {"outcome": "nudged"}},
]


def sms(phone, body):
    record_event(Event("sms.received", "sms", "SM1", {"phone": phone, "body": body}, "twilio"))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def waiting(make_definition, drain, clock):
    make_definition(steps=STEPS)
    emit(EstimateFactory(), "estimate.created")
    drain()
    return WorkflowInstance.objects.get()


def test_it_waits_for_the_event_with_its_correlation(waiting):
    assert waiting.status == InstanceStatus.WAITING
    assert (waiting.wait_event_type, waiting.wait_correlation) == ("sms.received",
                                                                   {"phone": "+15550100"})
    assert waiting.next_run_at == START + timedelta(days=3)


def test_a_matching_reply_wakes_it_and_lands_in_the_context(waiting, drain):
    sms("+15550100", "YES please")
    drain()
    waiting.refresh_from_db()
    assert waiting.context["steps"]["reply"]["event"]["body"] == "YES please"
    assert waiting.context["vars"]["outcome"] == "booked"


def test_a_reply_from_another_number_does_not_wake_it(waiting, drain):
    sms("+15550199", "YES")
    drain()
    waiting.refresh_from_db()
    assert waiting.status == InstanceStatus.WAITING


def test_a_reply_just_before_the_timeout_still_counts(waiting, drain, clock):
    clock.shift(timedelta(days=3) - timedelta(seconds=1))
    sms("+15550100", "no thanks")
    drain()
    waiting.refresh_from_db()
    assert waiting.context["vars"]["outcome"] == "nudged"
    assert "timed_out" not in waiting.context["steps"]["reply"]


def test_without_a_reply_it_goes_on_at_the_timeout_step(waiting, drain, clock):
    clock.shift(timedelta(days=3))
    drain()
    waiting.refresh_from_db()
    assert waiting.context["steps"]["reply"]["timed_out"] is True
    assert waiting.context["vars"]["outcome"] == "nudged"
    assert waiting.status == InstanceStatus.COMPLETED
