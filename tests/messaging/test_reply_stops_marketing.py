"""A customer's reply stops the marketing aimed at them (``stop_on_reply``), while a workflow
waiting for that reply still gets it — the reply arriving through the signed webhook and the
real engine acting on it."""

import pytest

from tests.messaging.conftest import CUSTOMER_PHONE, inbound_params, signed_post
from workflows.engine import Worker
from workflows.events import Event, record_event
from workflows.models import WorkflowDefinition, WorkflowInstance
from workflows.services import definition_save

pytestmark = pytest.mark.django_db
NUDGES = [{"id": "wait_2_days", "type": "wait", "duration": "2d"},
          {"id": "nudge", "type": "send_sms", "purpose": "marketing", "body": "Still there?"}]


def started(customer, name: str, steps: list[dict], **fields) -> WorkflowInstance:
    definition_save(actor="test", data={"name": name, "trigger_event": "customer.created",
                                        "steps": steps, "active": True, **fields})
    record_event(Event("customer.created", "customer", customer.id,
                       payload={"id": customer.id, "customer_id": customer.id}))
    Worker().drain()
    return WorkflowInstance.objects.get(definition__name=name)


def customer_replies(client, body: str = "Yes, book me") -> None:
    response = signed_post(client, "/webhooks/twilio/sms/", inbound_params(body))
    assert response.status_code == 200
    Worker().drain()


def test_a_reply_cancels_the_customers_marketing_instance(client, customer):
    instance = started(customer, "Nudges", NUDGES)
    assert instance.status == "waiting"
    customer_replies(client)
    instance.refresh_from_db()
    assert instance.status == "cancelled" and "sms.received" in instance.status_detail
    assert instance.audit_log.filter(action="cancelled", detail__contains="stop_on_reply")


def test_a_definition_with_the_setting_off_keeps_going(client, customer):
    instance = started(customer, "Nudges", NUDGES, stop_on_reply=False)
    customer_replies(client)
    instance.refresh_from_db()
    assert instance.status == "waiting"


def test_an_instance_waiting_for_the_reply_gets_it_instead(client, customer, twilio):
    steps = [{"id": "ask", "type": "send_sms", "purpose": "transactional", "body": "Book?"},
             {"id": "answer", "type": "wait_for_event", "event": "sms.received",
              "correlation": {"phone": "{{ steps.ask.phone }}"}, "timeout": "3d"},
             {"id": "offer", "type": "send_sms", "purpose": "marketing", "body": "10% off"}]
    waiting = started(customer, "Ask", steps)
    other = started(customer, "Nudges", NUDGES)
    customer_replies(client)
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status != "cancelled"
    assert waiting.context["steps"]["answer"]["event"]["body"] == "Yes, book me"
    assert other.status == "cancelled"


def test_transactional_only_definitions_are_not_stopped(client, customer):
    steps = [{"id": "wait", "type": "wait", "duration": "1d"},
             {"id": "remind", "type": "send_sms", "purpose": "transactional",
              "body": "Your visit is tomorrow"}]
    instance = started(customer, "Reminder", steps)
    customer_replies(client)
    instance.refresh_from_db()
    assert instance.status == "waiting"


def test_a_reply_from_an_unknown_number_stops_nothing(client, customer):
    instance = started(customer, "Nudges", NUDGES)
    signed_post(client, "/webhooks/twilio/sms/",
                inbound_params("who is this?", from_="+14075550999"))
    Worker().drain()
    instance.refresh_from_db()
    assert instance.status == "waiting" and CUSTOMER_PHONE != "+14075550999"


def test_the_prebuilt_estimate_follow_ups_stop_on_reply():
    prebuilt = dict(WorkflowDefinition.objects.filter(
        name__in=["Estimate follow-up", "Campaign: unsold estimate at 3, 7 and 14 days"])
        .values_list("name", "stop_on_reply"))
    assert prebuilt == {"Estimate follow-up": True,
                        "Campaign: unsold estimate at 3, 7 and 14 days": True}
