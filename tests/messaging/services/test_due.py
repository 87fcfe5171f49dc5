from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from messaging.models import SmsMessage, SmsStatus
from messaging.services.due import send_due
from messaging.services.send import send_sms
from messaging.tasks import send_due_messages
from tests.messaging.conftest import CUSTOMER_PHONE, ContactFactory

pytestmark = pytest.mark.django_db
NIGHT = datetime(2026, 6, 11, 3, 0, tzinfo=UTC)
MORNING = datetime(2026, 6, 11, 12, 0, tzinfo=UTC)


def deferred(**kwargs) -> SmsMessage:
    ContactFactory()
    return send_sms(to=CUSTOMER_PHONE, body="Tune-up season!", purpose="marketing", now=NIGHT,
                    **kwargs)


def test_a_deferred_text_is_sent_once_its_morning_comes(twilio):
    message = deferred()
    assert send_due(now=MORNING - timedelta(minutes=1)).resumed == 0
    assert send_due(now=MORNING).resumed == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and len(twilio.messages()) == 1


def test_texts_of_workflow_steps_are_left_to_the_engine(twilio):
    deferred(workflow_instance_id=7, workflow_step_id="first_text")
    assert send_due(now=MORNING).resumed == 0 and twilio.messages() == []


def test_a_text_that_keeps_failing_is_given_up(twilio):
    message = deferred()
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.RETRYING, attempts=5)
    assert send_due(now=MORNING).given_up == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED and "gave up after 5" in message.error_message


def test_a_stale_pending_row_is_marked_unknown(db):
    message = SmsMessage.objects.create(direction="outbound", from_number="x", phone="y",
                                        to_number="y", status=SmsStatus.PENDING)
    assert send_due(now=timezone.now() + timedelta(minutes=10)).unknown == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.UNKNOWN


def test_the_task_reports_what_it_did(db):
    assert send_due_messages() == "0 texts resumed, 0 given up, 0 marked unknown"
