import pytest

from tests.workflows.factories import EstimateFactory, emit
from workflows.explain import explain_entity, explain_event, render_text

pytestmark = pytest.mark.django_db


def explained(estimate):
    return {e.definition.name: e for e in explain_entity("estimate", str(estimate.id))}


def test_a_matched_estimate_is_explained_with_its_instance(follow_up, drain):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    drain()
    item = explained(estimate)["Follow-up"]
    assert item.outcome == "started" and item.instances
    assert [(c.field, c.actual, c.passed) for c in item.checks] == [
        ("status", "Open", True), ("total", "1250.00", True)]


def test_an_unmatched_estimate_shows_the_failing_condition_and_its_value(follow_up, drain):
    estimate = EstimateFactory(total="999.00")
    emit(estimate, "estimate.created")
    drain()
    text = render_text(explain_entity("estimate", str(estimate.id)))
    assert "FAIL total >= 1000 (actual '999.00')" in text
    assert "conditions not met" in text


def test_a_blocked_re_entry_is_explained(follow_up, drain):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    event = emit(estimate, "estimate.created")
    drain()
    assert "re-entry blocked: instance #" in explain_event(event)[0].reason


def test_an_inactive_definition_says_so(make_definition, drain):
    make_definition(active=False)
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    drain()
    reason = explained(estimate)["Follow-up"].reason
    assert reason.startswith("inactive") and "would match now" in reason


def test_an_entity_without_a_trigger_event_says_none_was_recorded(follow_up):
    estimate = EstimateFactory()
    assert explained(estimate)["Follow-up"].reason == \
        f"no estimate.created event recorded for estimate {estimate.id}"


def test_an_event_not_processed_yet_is_queued(follow_up):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    assert explained(estimate)["Follow-up"].outcome == "queued"


def test_a_rule_changed_since_shows_what_the_engine_saw_then(follow_up, drain):
    from workflows.services import definition_save

    estimate = EstimateFactory(total="1250.00")
    emit(estimate, "estimate.created")
    drain()
    definition_save(definition=follow_up, actor="test", data={
        **follow_up.content(), "name": follow_up.name, "description": "", "active": True,
        "trigger_conditions": {"field": "total", "op": ">=", "value": 5000}})
    item = explained(estimate)["Follow-up"]
    assert item.checks_recorded and item.passes_now is False
    assert [(c.field, c.expected, c.passed) for c in item.checks] == [
        ("status", "Open", True), ("total", 1000, True)]
    assert "as evaluated when the engine took the event" in render_text([item])


def test_the_report_gives_event_times_in_the_business_time_zone(follow_up, drain, settings):
    from datetime import UTC, datetime

    import time_machine

    settings.BUSINESS_TIME_ZONE = "America/New_York"
    estimate = EstimateFactory()
    with time_machine.travel(datetime(2026, 7, 1, 14, 30, tzinfo=UTC), tick=False):
        emit(estimate, "estimate.created")
    drain()
    assert "estimate.created at 2026-07-01 10:30:00 EDT" in render_text(
        explain_entity("estimate", str(estimate.id)))
