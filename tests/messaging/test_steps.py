"""The send_sms workflow step, alone and inside the real engine."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from messaging.models import SmsMessage, SmsStatus
from messaging.services import preferences
from messaging.steps import SendSmsStep
from tests.messaging.conftest import (
    CUSTOMER_PHONE,
    ContactFactory,
    inbound_params,
    signed_post,
    start_workflow,
)
from workflows.engine import Worker
from workflows.models import WorkflowInstance
from workflows.steps.base import REGISTRY, PermanentStepError, StepRun, TransientStepError

pytestmark = pytest.mark.django_db
STEP = {"id": "first_text", "type": "send_sms", "purpose": "marketing",
        "body": "Hi {{ customer.first_name }}, your estimate is ready."}
NOON = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)
NIGHT = datetime(2026, 6, 11, 3, 0, tzinfo=UTC)   # 23:00 in Florida


def step_run(customer_id, now=NOON, step=STEP, key="wf-1-first_text") -> StepRun:
    return StepRun(instance_id=1, definition_id=1, step=step, entity_type="customer",
                   entity_id=str(customer_id), idempotency_key=key, attempt=1, now=now,
                   context={"customer": {"first_name": "Dana"}}, customer_id=customer_id)


def test_send_sms_is_registered_with_the_engine():
    assert isinstance(REGISTRY["send_sms"], SendSmsStep)


@pytest.mark.parametrize(("step", "why"), [
    ({**STEP, "purpose": "promo"}, "purpose"),
    ({k: v for k, v in STEP.items() if k != "purpose"}, "purpose"),
    ({**STEP, "body": " "}, "body"),
    ({**STEP, "body": "{% if %}"}, "body"),
    ({**STEP, "to": "+14075550142"}, "unknown parameter"),
])
def test_a_bad_step_definition_is_refused_naming_the_parameter(step, why):
    with pytest.raises(ValidationError, match=why):
        SendSmsStep().validate(step)


def test_it_texts_the_customers_mobile_with_the_rendered_body(twilio, customer):
    outcome = SendSmsStep().run(step_run(customer.id))
    [sent] = twilio.messages()
    assert (sent["to"], sent["body"]) == (CUSTOMER_PHONE, "Hi Dana, your estimate is ready.")
    assert outcome.output["phone"] == CUSTOMER_PHONE and outcome.output["sid"] == sent["sid"]
    message = SmsMessage.objects.get()
    assert (message.workflow_instance_id, message.workflow_step_id) == (1, "first_text")


def test_a_rerun_of_the_step_does_not_text_again(twilio, customer):
    SendSmsStep().run(step_run(customer.id))
    outcome = SendSmsStep().run(step_run(customer.id))
    assert len(twilio.messages()) == 1 and outcome.output["sid"]


def test_at_night_it_asks_to_run_again_in_the_morning(twilio, customer):
    outcome = SendSmsStep().run(step_run(customer.id, now=NIGHT))
    assert outcome.rerun_at == datetime(2026, 6, 11, 12, 0, tzinfo=UTC)
    assert twilio.messages() == []


def test_a_text_over_the_frequency_cap_reruns_when_a_place_frees_up(twilio, customer, settings):
    settings.MESSAGING = {"marketing_per_week": 1}
    with time_machine.travel(NOON, tick=False):
        SendSmsStep().run(step_run(customer.id, key="wf-1-earlier"))
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        outcome = SendSmsStep().run(step_run(customer.id, now=timezone.now()))
    assert outcome.rerun_at == NOON + timedelta(days=7) and not outcome.end
    assert len(twilio.messages()) == 1


def test_an_opted_out_customer_ends_the_instance_without_a_text(twilio, customer):
    preferences.opt_out(phone=CUSTOMER_PHONE, source="keyword", actor="customer")
    outcome = SendSmsStep().run(step_run(customer.id))
    assert outcome.end and "opted out" in outcome.output["blocked"]
    assert twilio.messages() == []


def test_a_temporary_error_is_retried_by_the_engine(twilio, twilio_server, customer):
    twilio_server.app.faults.add(vendor="twilio", path_contains="Messages", status=503)
    with pytest.raises(TransientStepError):
        SendSmsStep().run(step_run(customer.id))


def test_a_refused_text_fails_the_step_with_twilios_code(twilio):
    contact = ContactFactory(value="+15005550009")  # Twilio: not a mobile number
    with pytest.raises(PermanentStepError, match="21614"):
        SendSmsStep().run(step_run(contact.customer_id))


def test_a_customer_without_a_phone_fails_the_step(db):
    with pytest.raises(PermanentStepError, match="no phone contact"):
        SendSmsStep().run(step_run(424242))


def test_it_texts_the_instances_customer_without_looking_the_entity_up(twilio, customer):
    run = StepRun(instance_id=1, definition_id=1, step=STEP, entity_type="estimate",
                  entity_id="999", idempotency_key="k", attempt=1, now=NOON, context={},
                  customer_id=customer.id)   # estimate 999 is not in the mirror
    SendSmsStep().run(run)
    [sent] = twilio.messages()
    assert sent["to"] == CUSTOMER_PHONE
    assert SmsMessage.objects.get().customer_id == customer.id


def test_an_entity_without_a_customer_fails_the_step(db):
    run = StepRun(instance_id=1, definition_id=1, step=STEP, entity_type="estimate",
                  entity_id="999", idempotency_key="k", attempt=1, now=NOON, context={})
    with pytest.raises(PermanentStepError, match="no customer"):
        SendSmsStep().run(run)


# --- inside the engine -------------------------------------------------------------------

def test_stop_cancels_a_workflow_whose_next_step_is_a_text(twilio, customer, client):
    instance = start_workflow(customer, [{"id": "wait", "type": "wait", "duration": "2d"},
                                         STEP])
    assert (instance.status, instance.current_step) == ("waiting", "first_text")
    signed_post(client, "/webhooks/twilio/sms/", inbound_params("STOP"))
    instance.refresh_from_db()
    assert instance.status == "cancelled" and "opted out" in instance.status_detail
    WorkflowInstance.objects.filter(pk=instance.pk).update(next_run_at=timezone.now())
    Worker().drain()
    assert twilio.messages() == []


def test_a_deferred_text_parks_the_instance_until_morning(twilio, customer):
    with time_machine.travel(NIGHT, tick=True):
        instance = start_workflow(customer, [STEP])
    assert (instance.status, instance.current_step) == ("waiting", "first_text")
    assert instance.next_run_at == datetime(2026, 6, 11, 12, 0, tzinfo=UTC)
    assert SmsMessage.objects.get().status == SmsStatus.DEFERRED
    with time_machine.travel(instance.next_run_at, tick=True):
        Worker().drain()
    instance.refresh_from_db()
    assert instance.status == "completed" and len(twilio.messages()) == 1


def test_a_workflow_can_wait_for_the_reply_and_read_it(twilio, customer, client):
    wait = {"id": "reply", "type": "wait_for_event", "event": "sms.received",
            "correlation": {"phone": "{{ steps.first_text.phone }}"}, "timeout": "3d"}
    with time_machine.travel(NOON, tick=True):
        instance = start_workflow(customer, [STEP, wait])
        assert instance.status == "waiting" and instance.wait_event_type == "sms.received"
        signed_post(client, "/webhooks/twilio/sms/", inbound_params("Yes, Tuesday works"))
        Worker().drain()
    instance.refresh_from_db()
    assert instance.status == "completed"
    assert instance.context["steps"]["reply"]["event"]["body"] == "Yes, Tuesday works"


def test_a_text_paced_behind_others_reruns_at_its_slot_without_failing(twilio, customer,
                                                                        settings):
    settings.MESSAGING = {"sends_per_second": 0.01, "max_pacing_wait": 1.0}
    SendSmsStep().run(step_run(customer.id, key="wf-1-a"))  # takes the sender's next 100 s
    outcome = SendSmsStep().run(step_run(customer.id, key="wf-2-a"))
    assert outcome.rerun_at is not None and "paced_until" in outcome.output
    assert len(twilio.messages()) == 1
