"""Who listens for an event type: the engine's own rule, which writers on hot paths ask
before they wake the workers (``workflows.listeners``)."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from tests.workflows.factories import EstimateFactory, emit
from workflows.listeners import listens_for, starts_on_sql
from workflows.models import InstanceStatus, WorkflowInstance
from workflows.models.definitions import trigger_types
from workflows.services import definition_set_active

pytestmark = pytest.mark.django_db
REPLY = {"id": "reply", "type": "wait_for_event", "event": "sms.received", "timeout": "3d",
         "correlation": {"phone": "+14075550142"}}
STARTS_ON = f"SELECT {starts_on_sql('%(trigger)s', '%(event)s')}"
_TEXT = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
_BLANK = st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000"), max_size=2)
_TYPES = st.sampled_from(["sms.received", "job.completed", "sms", "sms.received.x", "",
                          "SMS.RECEIVED", "sms.receive"])


def test_nothing_listens_on_a_fresh_database():
    assert listens_for("sms.received") is False


@pytest.mark.parametrize("trigger_event", ["sms.received", "job.completed, sms.received",
                                           "sms.received,job.completed"])
def test_an_active_definition_listens_for_each_of_its_trigger_types(make_definition,
                                                                     trigger_event):
    make_definition(trigger_event=trigger_event, trigger_conditions={})
    assert listens_for("sms.received") and not listens_for("estimate.created")


def test_an_inactive_definition_listens_for_nothing(make_definition):
    make_definition(trigger_event="sms.received, job.completed", active=False)
    assert not listens_for("sms.received") and not listens_for("job.completed")


def test_an_instance_waiting_for_the_type_listens(make_definition, drain):
    definition = make_definition(steps=[REPLY])
    emit(EstimateFactory(), "estimate.created")
    drain()
    definition_set_active(definition=definition, active=False, actor="test")
    assert WorkflowInstance.objects.get().status == InstanceStatus.WAITING
    assert listens_for("sms.received")


def test_a_live_instance_whose_version_cancels_on_the_type_listens(make_definition, drain):
    definition = make_definition(steps=[{"id": "wait", "type": "wait", "duration": "2d"}],
                                 cancel_on=[{"event": "sms.received", "scope": "customer"}])
    emit(EstimateFactory(), "estimate.created")
    drain()
    definition_set_active(definition=definition, active=False, actor="test")
    assert listens_for("sms.received")
    WorkflowInstance.objects.update(status=InstanceStatus.COMPLETED)
    assert not listens_for("sms.received")


@given(parts=st.lists(st.tuples(_BLANK, _TYPES | st.text(_TEXT, max_size=5), _BLANK),
                      max_size=4),
       event=_TYPES.filter(bool) | st.text(_TEXT, min_size=1, max_size=5))
def test_sql_reads_a_trigger_event_as_trigger_types_does(parts, event):
    trigger = ",".join("".join(part) for part in parts)
    with connection.cursor() as cursor:
        cursor.execute(STARTS_ON, {"trigger": trigger, "event": event})
        assert cursor.fetchone()[0] is (event in trigger_types(trigger))
