"""The hot path for ordinary inbound texts: one statement on PostgreSQL, the ORM elsewhere —
both must write the same rows."""

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from messaging.models import Direction, SmsMessage, SmsStatus
from messaging.services import received
from messaging.services.inbound import parse_inbound
from servicetitan import selectors
from tests.messaging.conftest import CUSTOMER_PHONE, inbound_params, signed_post, start_workflow
from workflows.events import NOTIFY_CHANNEL
from workflows.models import WorkflowEvent, WorkflowInstance
from workflows.services import definition_save, definition_set_active

pytestmark = pytest.mark.django_db
IGNORED = {"id", "created_at", "message_id", "entity_id", "payload", "processed_at"}


def inbound(sid: str, body: str = "See you at 9"):
    return parse_inbound(inbound_params(body, sid))


def rows(stored: received.Stored) -> tuple[dict, dict]:
    message = SmsMessage.objects.filter(pk=stored.message_id).values().get()
    event = WorkflowEvent.objects.filter(payload__message_id=stored.message_id).values().get()
    return message, event


def test_the_single_statement_writes_what_the_orm_writes(customer):
    now = timezone.now()
    fast = received._store_in_one_statement(inbound("SM" + "1" * 32), CUSTOMER_PHONE, now)
    slow = received._store_with_the_orm(inbound("SM" + "2" * 32), CUSTOMER_PHONE, now)
    (fast_message, fast_event), (slow_message, slow_event) = rows(fast), rows(slow)
    differ = {k for k in fast_message if fast_message[k] != slow_message[k]}
    assert differ <= {"id", "sid", "created_at", "updated_at", "raw"}
    assert {k: v for k, v in fast_event.items() if k not in IGNORED} == \
        {k: v for k, v in slow_event.items() if k not in IGNORED}
    assert fast_event["entity_id"] == slow_event["entity_id"] == str(customer.id)
    assert {**fast_event["payload"], "message_id": 0} == {**slow_event["payload"],
                                                          "message_id": 0}


def test_the_literals_in_the_statement_are_the_enums_values():
    assert f"VALUES ('{Direction.INBOUND}'" in received._STORE
    assert f"'{SmsStatus.RECEIVED}'" in received._STORE
    assert f"pg_notify('{NOTIFY_CHANNEL}'" in received._STORE
    assert f"type IN ({', '.join(repr(t) for t in selectors.PHONE_TYPES)})" in received._STORE


def test_a_message_sid_seen_before_stores_and_emits_nothing(db):
    now = timezone.now()
    assert received.store_received(inbound("SM" + "3" * 32), CUSTOMER_PHONE, now)
    assert received.store_received(inbound("SM" + "3" * 32), CUSTOMER_PHONE, now) is None
    assert SmsMessage.objects.count() == 1 and WorkflowEvent.objects.count() == 1


def test_the_orm_path_also_ignores_a_message_sid_seen_before(db):
    now = timezone.now()
    assert received._store_with_the_orm(inbound("SM" + "4" * 32), CUSTOMER_PHONE, now)
    assert received._store_with_the_orm(inbound("SM" + "4" * 32), CUSTOMER_PHONE, now) is None


def test_a_sender_that_is_not_a_phone_number_is_stored_as_given(db):
    params = inbound_params("Your code is 1234", "SM" + "5" * 32, from_="TWLO")
    stored = received.store_received(parse_inbound(params), "TWLO", timezone.now())
    message, event = rows(stored)
    assert (message["phone"], message["customer_id"]) == ("TWLO", None)
    assert (event["entity_type"], event["entity_id"]) == ("phone", "TWLO")


@pytest.fixture
def listener(transactional_db):
    """A separate connection LISTENing on the workflows channel (notifications arrive once
    the notifying transaction commits, so these tests commit for real)."""
    conn = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
    yield conn
    conn.close()


def notified(conn) -> bool:
    conn.execute("SELECT 1")  # a round trip delivers what is pending
    return any(True for _ in conn.notifies(timeout=0))


def test_workers_are_woken_when_an_instance_waits_for_a_reply(listener, customer):
    wait = {"id": "reply", "type": "wait_for_event", "event": "sms.received",
            "correlation": {"phone": CUSTOMER_PHONE}}
    start_workflow(customer, [wait])
    assert WorkflowInstance.objects.get().status == "waiting"
    notified(listener)  # what starting the workflow sent
    received.store_received(inbound("SM" + "6" * 32), CUSTOMER_PHONE, timezone.now())
    assert notified(listener)


def test_no_notify_when_nothing_listens_for_replies(listener):
    received.store_received(inbound("SM" + "7" * 32), CUSTOMER_PHONE, timezone.now())
    assert not notified(listener)
    assert WorkflowEvent.objects.filter(event_type="sms.received").exists()


def define(trigger_event: str, active: bool = True, **extra):
    return definition_save(actor="test", data={
        "name": f"On {trigger_event}", "trigger_event": trigger_event, "active": active,
        "steps": [{"id": "wait", "type": "wait", "duration": "1d"}], **extra})


@pytest.mark.parametrize("trigger_event", ["sms.received, job.completed",
                                           "job.completed,sms.received", "sms.received"])
def test_a_definition_started_by_replies_among_other_events_wakes_the_workers(
        listener, client, trigger_event):
    define(trigger_event)
    notified(listener)  # what saving the definition sent, if anything
    signed_post(client, "/webhooks/twilio/sms/", inbound_params("See you at 9", "SM" + "8" * 32))
    assert notified(listener)


def test_an_inactive_definition_started_by_replies_wakes_nobody(listener, client):
    define("sms.received, job.completed", active=False)
    signed_post(client, "/webhooks/twilio/sms/", inbound_params("See you at 9", "SM" + "9" * 32))
    assert not notified(listener)


def test_a_live_instance_that_a_reply_cancels_wakes_the_workers(listener, client, customer):
    start_workflow(customer, [{"id": "wait", "type": "wait", "duration": "2d"}])
    definition = WorkflowInstance.objects.get().definition
    definition = definition_save(actor="test", definition=definition, data={
        **definition.content(), "name": definition.name, "active": True,
        "cancel_on": [{"event": "sms.received", "scope": "customer"}]})
    # An instance of the version that cancels on replies lives on, its definition switched off.
    WorkflowInstance.objects.update(version=definition.current_version)
    definition_set_active(definition=definition, active=False, actor="test")
    notified(listener)
    signed_post(client, "/webhooks/twilio/sms/", inbound_params("Stop by at 9", "SM" + "b" * 32))
    assert notified(listener)

