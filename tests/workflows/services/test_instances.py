import pytest

from tests.workflows.factories import EstimateFactory, emit
from workflows.models import InstanceStatus, StepRunStatus, WorkflowAuditLog, WorkflowInstance
from workflows.services import (
    InstanceActionError,
    cancel_instance,
    cancel_instances_for_customer,
    retry_instance,
    skip_step,
    start_instance_manually,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(follow_up, drain):
    emit(EstimateFactory(customer_id=4242), "estimate.created")
    drain()
    return WorkflowInstance.objects.get()


@pytest.fixture
def failed(make_definition, drain):
    make_definition(steps=[{"id": "f", "type": "test_flaky", "permanent": True},
                           {"id": "after", "type": "set", "values": {"went_on": "yes"}}])
    emit(EstimateFactory(), "estimate.created")
    drain()
    return WorkflowInstance.objects.get()


def test_cancel_instance_ends_a_live_instance_and_logs_who_and_why(waiting):
    cancel_instance(instance_id=waiting.pk, reason="customer called", actor="ann")
    waiting.refresh_from_db()
    assert waiting.status == InstanceStatus.CANCELLED
    log = WorkflowAuditLog.objects.get(action="cancelled")
    assert (log.actor, log.detail) == ("ann", "customer called")


def test_cancelling_a_finished_instance_is_refused_with_a_reason(failed):
    with pytest.raises(InstanceActionError, match="is failed; only pending"):
        cancel_instance(instance_id=failed.pk, reason="x", actor="ann")


def test_cancelling_an_unknown_instance_says_so():
    with pytest.raises(InstanceActionError, match="no workflow instance #999"):
        cancel_instance(instance_id=999, reason="x", actor="ann")


def test_an_opt_out_cancels_the_customers_instances_about_to_text(waiting):
    assert cancel_instances_for_customer(customer_id=4242, reason="opted out",
                                         actor="messaging",
                                         only_pending_step_type="test_text") == [waiting.pk]


def test_an_opt_out_leaves_instances_whose_next_step_is_not_a_text(make_definition, drain):
    make_definition(steps=[{"id": "w", "type": "wait", "duration": "1d"},
                           {"id": "mail", "type": "notify_staff", "to": ["a@example.com"],
                            "subject": "s", "body": "b"}])
    emit(EstimateFactory(customer_id=4242), "estimate.created")
    drain()
    assert cancel_instances_for_customer(customer_id=4242, reason="opted out",
                                         actor="messaging",
                                         only_pending_step_type="test_text") == []


def test_retry_runs_a_failed_instance_again_from_the_failed_step(failed, drain):
    retry_instance(instance_id=failed.pk, actor="ann")
    failed.refresh_from_db()
    assert (failed.status, failed.current_step, failed.attempts) == ("pending", "f", 0)
    assert WorkflowAuditLog.objects.filter(action="retried", actor="ann").exists()


def test_retrying_an_instance_that_has_not_failed_is_refused(waiting):
    with pytest.raises(InstanceActionError, match="only failed instances can be retried"):
        retry_instance(instance_id=waiting.pk, actor="ann")


def test_skip_step_goes_on_with_the_next_step(failed, drain):
    skip_step(instance_id=failed.pk, actor="ann")
    drain()
    failed.refresh_from_db()
    assert failed.status == InstanceStatus.COMPLETED
    assert failed.context["vars"] == {"went_on": "yes"}
    assert failed.step_runs.filter(step_id="f", status=StepRunStatus.SKIPPED).exists()


def test_skip_step_on_a_waiting_instance_ends_the_wait_now(waiting, drain, sent_sms):
    skip_step(instance_id=waiting.pk, actor="ann")
    drain()
    assert len(sent_sms) == 1


def test_start_instance_manually_starts_from_the_records_current_columns(follow_up):
    estimate = EstimateFactory(total="500.00")
    instance = start_instance_manually(definition_id=follow_up.pk, entity_type="estimate",
                                       entity_id=str(estimate.id), actor="ann")
    assert instance.context["entity"]["total"] == "500.00"
    assert instance.trigger_event is None


def test_a_manual_start_respects_re_entry(waiting, follow_up):
    with pytest.raises(InstanceActionError, match="already has a live instance"):
        start_instance_manually(definition_id=follow_up.pk, entity_type="estimate",
                                entity_id=waiting.entity_id, actor="ann")


def test_a_manual_start_for_an_unknown_record_is_refused(follow_up):
    with pytest.raises(InstanceActionError, match="no estimate 1 in the ServiceTitan mirror"):
        start_instance_manually(definition_id=follow_up.pk, entity_type="estimate",
                                entity_id="1", actor="ann")
