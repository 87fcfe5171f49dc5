from datetime import timedelta

import pytest
from django.utils import timezone

from tests.workflows.factories import CustomerFactory, EstimateFactory, emit
from workflows.backtest import backtest
from workflows.models import WorkflowEvent, WorkflowInstance

pytestmark = pytest.mark.django_db


def test_it_counts_what_would_have_started_without_writing_anything(follow_up):
    big, small = EstimateFactory(), EstimateFactory(total="10.00")
    for estimate in (big, small, big):
        emit(estimate, "estimate.created")
    result = backtest(follow_up.content(), since=timedelta(days=30))
    assert (result.events, result.matched, result.would_start) == (3, 2, 1)
    assert result.sample[0]["entity_id"] == str(big.id)
    assert not WorkflowInstance.objects.exists()


def test_events_older_than_the_window_are_left_out(follow_up):
    emit(EstimateFactory(), "estimate.created")
    WorkflowEvent.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert backtest(follow_up.content(), since=timedelta(days=30)).events == 0


def test_re_entry_always_counts_every_match(follow_up):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    emit(estimate, "estimate.created")
    content = {**follow_up.content(), "reentry": "always"}
    assert backtest(content, since=timedelta(days=1)).would_start == 2


def test_related_records_are_read_one_query_per_type_not_per_event(
        follow_up, django_assert_max_num_queries):
    residential = [EstimateFactory() for _ in range(6)]
    commercial = EstimateFactory(customer_id=CustomerFactory(type="Commercial").id)
    for estimate in [*residential, commercial]:
        emit(estimate, "estimate.created")
    content = {**follow_up.content(), "trigger_conditions": {"all": [
        {"field": "customer.type", "op": "==", "value": "Residential"},
        {"field": "total", "op": ">=", "value": 1000}]}}
    with django_assert_max_num_queries(2):  # the events, their customers
        result = backtest(content, since=timedelta(days=1))
    assert (result.events, result.matched) == (7, 6)


def test_a_reference_missing_from_the_payload_is_read_from_the_entity(follow_up):
    estimate = EstimateFactory(customer_id=CustomerFactory(type="Commercial").id)
    emit(estimate, "estimate.created")
    WorkflowEvent.objects.update(payload={"id": estimate.id, "status": "Open"})
    content = {**follow_up.content(), "trigger_conditions": {"all": [
        {"field": "customer.type", "op": "==", "value": "Commercial"},
        {"field": "total", "op": ">=", "value": 1000}]}}
    assert backtest(content, since=timedelta(days=1)).matched == 1


def test_at_most_max_events_are_read_newest_first(follow_up):
    estimates = [EstimateFactory() for _ in range(3)]
    for estimate in estimates:
        emit(estimate, "estimate.created")
    result = backtest(follow_up.content(), since=timedelta(days=1), max_events=2)
    assert (result.events, result.truncated) == (2, True)
    assert [s["entity_id"] for s in result.sample] == [str(e.id) for e in estimates[:0:-1]]
