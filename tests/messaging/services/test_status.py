"""Status callbacks: monotonic, deduplicated, out of order, early, error codes, 21610."""

import pytest

from messaging.models import SmsMessage, SmsStatus, SmsStatusCallback
from messaging.services import preferences
from messaging.services.status import StatusCallback, record_status, replay_callbacks
from tests.messaging.conftest import CUSTOMER_PHONE, signed_post

pytestmark = pytest.mark.django_db
SID = "SM" + "d" * 32
PATH = "/webhooks/twilio/status/"


@pytest.fixture
def message(db) -> SmsMessage:
    return SmsMessage.objects.create(direction="outbound", sid=SID, idempotency_key="k",
                                     from_number="+15005550006", to_number=CUSTOMER_PHONE,
                                     phone=CUSTOMER_PHONE, body="Hi", purpose="transactional",
                                     status=SmsStatus.QUEUED)


def callback(client, status: str, **extra: str):
    return signed_post(client, PATH, {"MessageSid": SID, "MessageStatus": status,
                                      "AccountSid": "AC" + "5a" * 16, **extra})


def test_a_callback_moves_the_message_on_and_records_the_time(client, message):
    assert callback(client, "sent").status_code == 204
    message.refresh_from_db()
    assert message.status == "sent" and message.sent_at is not None


def test_a_late_sent_never_overwrites_delivered(client, message):
    callback(client, "delivered")
    callback(client, "sent")
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.sent_at is not None and message.delivered_at is not None


def test_out_of_order_sending_after_sent_is_ignored(client, message):
    for status in ("sent", "sending", "queued"):
        callback(client, status)
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_duplicate_callback_is_stored_once(client, message):
    callback(client, "delivered")
    callback(client, "delivered")
    assert SmsStatusCallback.objects.filter(sid=SID, status="delivered").count() == 1


def test_a_delivery_error_is_recorded_with_its_code(client, message):
    callback(client, "undelivered", ErrorCode="30003")
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("undelivered", 30003)
    assert "unreachable handset" in message.error_message and message.failed_at


def test_a_21610_failure_opts_the_number_out(client, message):
    callback(client, "failed", ErrorCode="21610")
    assert preferences.is_opted_out(CUSTOMER_PHONE)


def test_a_status_we_do_not_know_is_stored_but_changes_nothing(client, message):
    assert callback(client, "partially_delivered").status_code == 204
    message.refresh_from_db()
    assert message.status == "queued"
    assert SmsStatusCallback.objects.filter(status="partially_delivered").exists()


def test_a_callback_for_an_unknown_sid_is_kept_for_later(client, db):
    assert callback(client, "sent").status_code == 204
    assert SmsStatusCallback.objects.get().sid == SID


def test_callbacks_that_beat_the_sid_are_applied_once_it_is_stored(db):
    record_status(StatusCallback(SID, "delivered"))
    record_status(StatusCallback(SID, "sent"))
    message = SmsMessage.objects.create(direction="outbound", sid=SID, from_number="x",
                                        to_number=CUSTOMER_PHONE, phone=CUSTOMER_PHONE,
                                        status=SmsStatus.QUEUED)
    assert replay_callbacks(message) == 2
    message.refresh_from_db()
    assert message.status == "delivered" and message.sent_at and message.delivered_at


def test_a_redelivered_callback_is_applied_again_harmlessly(message):
    SmsStatusCallback.objects.create(sid=SID, status="delivered")  # stored, never applied
    outcome = record_status(StatusCallback(SID, "delivered"))
    message.refresh_from_db()
    assert outcome.duplicate and message.status == "delivered"
