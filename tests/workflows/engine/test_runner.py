from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.workflows.conftest import FOLLOW_UP
from tests.workflows.factories import EstimateFactory, emit
from workflows.engine import Runner, sweep_stale_claims
from workflows.events import Event, record_event
from workflows.models import InstanceStatus, StepRunStatus, WorkflowInstance, WorkflowStepRun

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def started(make_definition, drain, steps, **kw):
    make_definition(steps=steps, **kw)
    emit(EstimateFactory(), "estimate.created")
    drain()
    return WorkflowInstance.objects.get()


def test_a_two_day_wait_resumes_exactly_when_due(follow_up, drain, sent_sms):
    with time_machine.travel(START, tick=False) as clock:
        emit(EstimateFactory(), "estimate.created")
        drain()
        clock.shift(timedelta(days=2) - timedelta(seconds=1))
        drain()
        assert sent_sms == []
        clock.shift(timedelta(seconds=1))
        drain()
    assert [s["body"] for s in sent_sms] == ["Hi Dana, your estimate for $1250.00"]
    assert WorkflowInstance.objects.get().status == InstanceStatus.COMPLETED


def test_a_step_is_given_the_customer_the_instance_started_with(make_definition, drain,
                                                                 sent_sms):
    with time_machine.travel(START, tick=False) as clock:
        follow_up = make_definition()           # waits two days, then texts
        estimate = EstimateFactory(customer_id=77)
        emit(estimate, "estimate.created")
        drain()
        estimate.customer_id = 78               # meanwhile a sync moved it (customers merged)
        estimate.save()
        clock.shift(timedelta(days=2))
        drain()
    assert WorkflowInstance.objects.get(definition=follow_up).customer_id == 77
    assert [s["customer"] for s in sent_sms] == [77]


def test_a_step_is_given_the_trigger_payloads_customer_for_a_record_not_mirrored(
        make_definition, drain, sent_sms):
    make_definition(steps=[FOLLOW_UP["steps"][1]])
    record_event(Event("estimate.created", "estimate", 424242, {
        "id": 424242, "status": "Open", "total": "1250.00", "customer_id": 77}))
    drain()
    assert [s["customer"] for s in sent_sms] == [77]


def test_a_wait_until_a_time_of_day_resumes_then_in_business_time(make_definition, drain,
                                                                  settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    with time_machine.travel(START, tick=False):  # 10:00 in New York
        instance = started(make_definition, drain, [
            {"id": "w", "type": "wait", "until": "16:30"}, {"id": "e", "type": "end"}])
    assert instance.next_run_at == datetime(2026, 3, 2, 21, 30, tzinfo=UTC)


def test_a_wait_for_the_next_business_day_resumes_on_monday(make_definition, drain, settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    with time_machine.travel(datetime(2026, 3, 6, 20, 0, tzinfo=UTC), tick=False):  # Friday
        instance = started(make_definition, drain, [
            {"id": "w", "type": "wait", "until": "next_business_day", "at": "08:00"},
            {"id": "e", "type": "end"}])
    assert instance.next_run_at == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def test_every_step_run_is_recorded_with_its_key_and_timings(make_definition, drain):
    instance = started(make_definition, drain, [
        {"id": "s", "type": "set", "values": {"greeting": "Hi {{ customer.name }}"}}])
    run = WorkflowStepRun.objects.get()
    assert (run.step_id, run.status, run.attempt) == ("s", StepRunStatus.SUCCEEDED, 1)
    assert run.idempotency_key == f"wf-{instance.pk}-s"
    assert run.output == {"greeting": "Hi Dana Whitfield"} and run.duration_ms >= 0
    instance.refresh_from_db()
    assert instance.context["vars"]["greeting"] == "Hi Dana Whitfield"


def test_a_transient_error_is_retried_with_exponential_backoff(make_definition, drain):
    with time_machine.travel(START, tick=False) as clock:
        instance = started(make_definition, drain, [
            {"id": "f", "type": "test_flaky", "fail_times": 2, "max_attempts": 3,
             "backoff": "1m"}])
        assert instance.status == InstanceStatus.PENDING
        assert instance.next_run_at == START + timedelta(minutes=1)
        clock.shift(timedelta(minutes=1))
        drain()
        instance.refresh_from_db()
        assert instance.next_run_at == START + timedelta(minutes=3)
        clock.shift(timedelta(minutes=2))
        drain()
    statuses = list(WorkflowStepRun.objects.values_list("attempt", "status"))
    assert statuses == [(1, "retrying"), (2, "retrying"), (3, "succeeded")]


def test_running_out_of_attempts_fails_the_instance(make_definition, drain):
    with time_machine.travel(START, tick=False) as clock:
        instance = started(make_definition, drain, [
            {"id": "f", "type": "test_flaky", "fail_times": 5, "max_attempts": 2,
             "backoff": "1m"}])
        clock.shift(timedelta(minutes=1))
        drain()
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED
    assert instance.last_error == "try again (attempt 2)"


def test_a_permanent_error_fails_at_once(make_definition, drain):
    instance = started(make_definition, drain, [
        {"id": "f", "type": "test_flaky", "permanent": True, "max_attempts": 5}])
    assert instance.status == InstanceStatus.FAILED
    assert instance.status_detail == "step f failed: the receiver said no"
    assert WorkflowStepRun.objects.get().status == StepRunStatus.FAILED


def test_a_condition_branches_to_its_then_step(make_definition, drain):
    instance = started(make_definition, drain, [
        {"id": "c", "type": "condition", "rule": {"field": "customer.type", "op": "==",
                                                   "value": "Residential"},
         "then": "home", "else": "business"},
        {"id": "business", "type": "set", "values": {"kind": "business"}},
        {"id": "stop", "type": "end"},
        {"id": "home", "type": "set", "values": {"kind": "home"}}])
    assert instance.context["vars"] == {"kind": "home"}
    assert instance.context["steps"]["c"]["passed"] is True


def test_end_completes_the_instance_without_running_later_steps(make_definition, drain):
    instance = started(make_definition, drain, [
        {"id": "e", "type": "end"}, {"id": "never", "type": "set", "values": {"x": 1}}])
    assert instance.status == InstanceStatus.COMPLETED
    assert "never" not in instance.context["steps"]


def test_a_step_revisited_by_a_loop_gets_a_fresh_idempotency_key(make_definition, drain):
    instance = started(make_definition, drain, [
        {"id": "fx", "type": "set", "values": {"seen": "{{ vars.seen }}x"}},
        {"id": "loop", "type": "condition",
         "rule": {"field": "vars.seen", "op": "==", "value": "xx"}, "then": "end",
         "else": "fx"},
        {"id": "end", "type": "end"}])
    keys = list(WorkflowStepRun.objects.filter(step_id="fx").values_list("idempotency_key",
                                                                          flat=True))
    assert keys == [f"wf-{instance.pk}-fx", f"wf-{instance.pk}-fx-2"]


def test_a_loop_that_never_waits_fails_instead_of_holding_the_worker(make_definition, drain):
    instance = started(make_definition, drain, [
        {"id": "again", "type": "condition", "rule": {}, "then": "again"}])
    assert instance.status == InstanceStatus.FAILED
    assert "without waiting" in instance.last_error


def test_a_claim_past_its_lease_is_requeued_and_its_running_step_marked_lost(follow_up):
    instance = _claimed_mid_step(follow_up)
    assert sweep_stale_claims(now=timezone.now() + timedelta(minutes=6)) == 1
    instance.refresh_from_db()
    assert (instance.status, instance.attempts) == (InstanceStatus.PENDING, 1)
    assert WorkflowStepRun.objects.get().status == StepRunStatus.LOST


def test_a_claim_within_its_lease_is_left_alone(follow_up):
    _claimed_mid_step(follow_up)
    assert sweep_stale_claims(now=timezone.now() + timedelta(minutes=4)) == 0


def test_a_side_effect_does_not_start_once_staff_cancelled_the_claimed_instance(
        follow_up, drain, sent_sms):
    from workflows.engine.steprun import ClaimLost, InstanceRun
    from workflows.services import cancel_instance

    emit(EstimateFactory(), "estimate.created")
    drain()
    WorkflowInstance.objects.update(next_run_at=timezone.now(), current_step="text")
    runner = Runner("w1")
    run = InstanceRun(runner.claim(timezone.now())[0], "w1", runner.flush)
    cancel_instance(instance_id=run.instance.pk, reason="customer called", actor="staff")
    with pytest.raises(ClaimLost):
        run.run()   # the first step (the wait was skipped) is a side effect: flushed first
    assert sent_sms == []
    assert WorkflowInstance.objects.get().status == InstanceStatus.CANCELLED


def _claimed_mid_step(definition):
    emit(EstimateFactory(), "estimate.created")
    from workflows.engine import process_events
    process_events(now=timezone.now())
    instance = WorkflowInstance.objects.get()
    WorkflowInstance.objects.filter(pk=instance.pk).update(
        status=InstanceStatus.RUNNING, claimed_by="dead-worker", current_step="text",
        claim_expires_at=timezone.now() + timedelta(minutes=5))
    WorkflowStepRun.objects.create(instance=instance, step_id="text", step_type="test_text",
                                   status=StepRunStatus.RUNNING, idempotency_key="k",
                                   worker="dead-worker", started_at=timezone.now())
    return instance
