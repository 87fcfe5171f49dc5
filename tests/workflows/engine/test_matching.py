from decimal import Decimal

import pytest

from tests.workflows.factories import EstimateFactory, emit
from workflows.models import InstanceStatus, MatchOutcome, WorkflowEventMatch, WorkflowInstance

pytestmark = pytest.mark.django_db


def test_an_open_estimate_of_1000_or_more_starts_exactly_one_follow_up(follow_up, drain):
    estimate = EstimateFactory(total=Decimal("1000.00"))
    emit(estimate, "estimate.created")
    drain()
    instance = WorkflowInstance.objects.get()
    assert (instance.definition, instance.entity_id) == (follow_up, str(estimate.id))
    assert instance.status == InstanceStatus.WAITING


def test_a_999_estimate_starts_nothing(follow_up, drain):
    emit(EstimateFactory(total=Decimal("999.00")), "estimate.created")
    drain()
    assert not WorkflowInstance.objects.exists()


def test_an_unmatched_event_records_which_condition_failed(follow_up, drain):
    emit(EstimateFactory(total=Decimal("999.00")), "estimate.created")
    drain()
    match = WorkflowEventMatch.objects.get()
    assert match.outcome == MatchOutcome.NO_MATCH
    assert "total >= 1000" in match.detail
    assert [c["passed"] for c in match.checks] == [True, False]


def test_the_instance_context_holds_the_entity_customer_and_event(follow_up, drain):
    estimate = EstimateFactory()
    event = emit(estimate, "estimate.created")
    drain()
    context = WorkflowInstance.objects.get().context
    assert context["entity"]["total"] == "1250.00"
    assert context["customer"]["first_name"] == "Dana"
    assert context["event"] == {"type": "estimate.created", "id": event.id,
                                "payload": event.payload}


def test_an_estimate_becoming_sold_cancels_its_follow_up(follow_up, drain):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    drain()
    estimate.status = "Sold"
    emit(estimate, "estimate.status_changed", old_status="Open", new_status="Sold")
    drain()
    instance = WorkflowInstance.objects.get()
    assert instance.status == InstanceStatus.CANCELLED
    assert "estimate.status_changed" in instance.status_detail


def test_a_status_change_that_is_not_in_cancel_on_leaves_it_running(follow_up, drain):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    drain()
    estimate.status = "Pending"
    emit(estimate, "estimate.status_changed", old_status="Open", new_status="Pending")
    drain()
    assert WorkflowInstance.objects.get().status == InstanceStatus.WAITING


def test_a_sold_change_of_another_estimate_cancels_nothing(follow_up, drain):
    emit(EstimateFactory(), "estimate.created")
    drain()
    other = EstimateFactory(status="Sold")
    emit(other, "estimate.status_changed", old_status="Open", new_status="Sold")
    drain()
    assert WorkflowInstance.objects.get().status == InstanceStatus.WAITING


def test_a_customer_scoped_cancel_rule_ends_instances_of_the_same_customer(make_definition,
                                                                         drain):
    from tests.workflows.factories import JobFactory

    make_definition(cancel_on=[{"event": "job.created", "scope": "customer"}])
    emit(EstimateFactory(customer_id=4242), "estimate.created")
    emit(EstimateFactory(customer_id=5151), "estimate.created")
    drain()
    emit(JobFactory(customer_id=4242), "job.created")
    drain()
    assert sorted(WorkflowInstance.objects.values_list("customer_id", "status")) == [
        (4242, "cancelled"), (5151, "waiting")]


def test_a_redelivered_event_starts_nothing_new(follow_up, drain):
    event = emit(EstimateFactory(), "estimate.created")
    drain()
    type(event).objects.filter(pk=event.pk).update(processed_at=None)
    drain()
    assert WorkflowInstance.objects.count() == 1
    assert WorkflowEventMatch.objects.get().outcome == MatchOutcome.STARTED


def test_a_second_matching_event_for_a_live_entity_is_blocked_by_re_entry(follow_up, drain):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    emit(estimate, "estimate.created")
    drain()
    assert WorkflowInstance.objects.count() == 1
    blocked = WorkflowEventMatch.objects.get(outcome=MatchOutcome.REENTRY_BLOCKED)
    assert "is still" in blocked.detail


def test_re_entry_always_starts_one_instance_per_event(make_definition, drain):
    make_definition(reentry="always")
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    emit(estimate, "estimate.created")
    drain()
    assert WorkflowInstance.objects.count() == 2


def test_re_entry_once_refuses_even_after_the_first_instance_ended(make_definition, drain):
    make_definition(reentry="once", cancel_on=[])
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    drain()
    WorkflowInstance.objects.update(status=InstanceStatus.COMPLETED)
    emit(estimate, "estimate.created")
    drain()
    assert WorkflowInstance.objects.count() == 1
    assert WorkflowEventMatch.objects.filter(outcome=MatchOutcome.REENTRY_BLOCKED).exists()


def test_an_inactive_definition_starts_nothing(make_definition, drain):
    make_definition(active=False)
    emit(EstimateFactory(), "estimate.created")
    drain()
    assert not WorkflowInstance.objects.exists()


def test_events_are_marked_processed(follow_up, drain):
    event = emit(EstimateFactory(), "estimate.updated")
    drain()
    event.refresh_from_db()
    assert event.processed_at is not None


def test_a_running_instance_keeps_the_version_it_started_with(follow_up, drain):
    from tests.workflows.conftest import FOLLOW_UP
    from workflows.services import definition_save

    emit(EstimateFactory(), "estimate.created")
    drain()
    definition_save(data={**FOLLOW_UP, "steps": FOLLOW_UP["steps"][:1]}, actor="t",
                    definition=follow_up)
    instance = WorkflowInstance.objects.get()
    assert instance.version.number == 1 and len(instance.version.steps) == 2
    assert follow_up.versions.count() == 2


def test_an_event_whose_payload_is_not_an_object_does_not_stall_the_queue(make_definition,
                                                                          drain):
    from workflows.events import Event, record_event

    make_definition(trigger_conditions={})
    record_event(Event("estimate.created", "estimate", 1, ["not", "an", "object"]))
    emit(EstimateFactory(), "estimate.created")
    assert drain().events == 2
    assert WorkflowInstance.objects.count() == 2
