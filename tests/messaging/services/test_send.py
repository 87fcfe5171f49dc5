"""send_sms through the real twilio-python client against the Twilio sandbox."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from messaging.models import SmsMessage, SmsStatus
from messaging.phones import InvalidPhoneNumber
from messaging.services import preferences
from messaging.services import send as send_module
from messaging.services.due import send_due
from messaging.services.send import InvalidMessage, resume, send_sms
from tests.messaging.conftest import CUSTOMER_PHONE, ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db
NOON_IN_NEW_YORK = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)


def send(**kwargs) -> SmsMessage:
    return send_sms(**{"to": CUSTOMER_PHONE, "body": "Your estimate is ready",
                       "purpose": "transactional", **kwargs})


def test_a_text_goes_to_twilio_with_our_status_callback(twilio):
    message = send()
    assert message.status == SmsStatus.QUEUED and message.sid.startswith("SM")
    [sent] = twilio.requests()
    assert sent["form"]["To"] == CUSTOMER_PHONE
    assert sent["form"]["StatusCallback"] == "https://pc.example.com/webhooks/twilio/status/"
    assert message.submitted_at is not None and message.segments == 1


def test_the_number_is_normalised_before_sending(twilio):
    assert send(to="(407) 555-0142").phone == CUSTOMER_PHONE


def test_a_bad_number_is_refused_and_nothing_is_written(twilio):
    with pytest.raises(InvalidPhoneNumber):
        send(to="555-CALL")
    assert not SmsMessage.objects.exists() and twilio.messages() == []


@pytest.mark.parametrize(("body", "why"), [("", "empty"), ("   ", "empty"),
                                           ("x" * 1601, "1601 characters")])
def test_an_empty_or_too_long_text_is_refused(twilio, body, why):
    with pytest.raises(InvalidMessage, match=why):
        send(body=body)
    assert not SmsMessage.objects.exists()


def test_an_unknown_purpose_is_refused(twilio):
    with pytest.raises(InvalidMessage, match="purpose"):
        send(purpose="newsletter")


def test_the_same_idempotency_key_never_sends_twice(twilio):
    first = send(idempotency_key="wf-1-first_text")
    again = send(idempotency_key="wf-1-first_text")
    assert again.pk == first.pk and len(twilio.messages()) == 1


def test_a_number_that_opted_out_is_blocked_without_calling_twilio(twilio):
    preferences.opt_out(phone=CUSTOMER_PHONE, source="staff", actor="ana", reason="asked")
    message = send(purpose="transactional")
    assert message.status == SmsStatus.BLOCKED and "opted out" in message.error_message
    assert twilio.messages() == []


def test_a_servicetitan_contact_marked_do_not_text_is_blocked(twilio):
    ContactFactory(value="4075550142", do_not_text=True)
    assert send().status == SmsStatus.BLOCKED
    assert twilio.messages() == []


def test_a_marketing_text_at_night_is_deferred_to_the_recipients_morning(twilio):
    customer = CustomerFactory(state="CA")
    ContactFactory(customer_id=customer.id)
    night_in_new_york = datetime(2026, 6, 11, 1, 30, tzinfo=UTC)  # 18:30 in California
    assert send(purpose="marketing", now=night_in_new_york).status == SmsStatus.QUEUED


def test_a_marketing_text_across_the_time_zone_boundary_waits_for_eight_local(twilio):
    ContactFactory()  # a Florida customer
    night = datetime(2026, 6, 11, 1, 30, tzinfo=UTC)  # 21:30 in Florida
    message = send(purpose="marketing", now=night)
    assert message.status == SmsStatus.DEFERRED and twilio.messages() == []
    assert message.send_after == datetime(2026, 6, 11, 12, 0, tzinfo=UTC)  # 8:00 EDT


def test_a_transactional_text_ignores_quiet_hours(twilio):
    ContactFactory()
    assert send(now=datetime(2026, 6, 11, 3, 0, tzinfo=UTC)).status == SmsStatus.QUEUED


def test_a_deferred_text_goes_out_when_resumed_in_the_morning(twilio):
    ContactFactory()
    deferred = send(purpose="marketing", now=datetime(2026, 6, 11, 1, 30, tzinfo=UTC))
    sent = resume(deferred, now=datetime(2026, 6, 11, 12, 0, tzinfo=UTC))
    assert sent.pk == deferred.pk and sent.status == SmsStatus.QUEUED
    assert len(twilio.messages()) == 1


def test_twilios_21610_marks_the_number_opted_out(twilio):
    message = send(to="+15005550004")
    assert (message.status, message.error_code) == (SmsStatus.FAILED, 21610)
    assert preferences.is_opted_out("+15005550004")
    assert message.failed_at is not None


def test_a_permanent_twilio_error_fails_with_its_code(twilio):
    message = send(to="+15005550009")  # Twilio: not a mobile number
    assert (message.status, message.error_code) == (SmsStatus.FAILED, 21614)
    assert again_is_not_sent(message, twilio)


def again_is_not_sent(message: SmsMessage, twilio) -> bool:
    before = len(twilio.requests())
    send(to=message.phone, idempotency_key=message.idempotency_key)
    return len(twilio.requests()) == before


def test_a_temporary_twilio_error_leaves_the_text_to_retry(twilio, twilio_server):
    twilio_server.app.faults.add(vendor="twilio", path_contains="Messages", status=503)
    message = send(idempotency_key="k-503")
    assert message.status == SmsStatus.RETRYING and message.send_after > timezone.now()
    retried = send(idempotency_key="k-503")
    assert retried.status == SmsStatus.QUEUED and len(twilio.messages()) == 1


def test_a_full_twilio_queue_is_temporary(twilio, settings):
    settings.TWILIO = settings.TWILIO.__class__(**{**settings.TWILIO.__dict__,
                                                   "from_number": "+15005550008"})
    message = send()
    assert (message.status, message.error_code) == (SmsStatus.RETRYING, 21611)


def test_twilio_unreachable_before_connecting_is_temporary(twilio, settings, unused_port):
    settings.TWILIO = settings.TWILIO.__class__(**{
        **settings.TWILIO.__dict__, "api_base_url": f"http://127.0.0.1:{unused_port}"})
    message = send()
    assert message.status == SmsStatus.RETRYING and message.error_code is None


def test_a_row_left_pending_by_a_dead_process_becomes_unknown_not_resent(twilio):
    stale = SmsMessage.objects.create(direction="outbound", idempotency_key="k-crash",
                                      from_number="+15005550006", to_number=CUSTOMER_PHONE,
                                      phone=CUSTOMER_PHONE, body="hi", purpose="transactional",
                                      status=SmsStatus.PENDING)
    SmsMessage.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - timedelta(minutes=5))
    message = send(idempotency_key="k-crash")
    assert message.status == SmsStatus.UNKNOWN and twilio.messages() == []


def test_a_row_pending_right_now_is_left_to_its_sender(twilio):
    SmsMessage.objects.create(direction="outbound", idempotency_key="k-busy",
                              from_number="+15005550006", to_number=CUSTOMER_PHONE,
                              phone=CUSTOMER_PHONE, body="hi", purpose="transactional",
                              status=SmsStatus.PENDING)
    assert send(idempotency_key="k-busy").status == SmsStatus.PENDING
    assert twilio.messages() == []


def test_the_row_is_linked_to_the_customer_by_phone(twilio, customer):
    assert send().customer_id == customer.id


@pytest.fixture
def paced(settings, monkeypatch):
    """One text a second: the second of two waits about a second for its slot. ``paced.during``
    runs in place of the sleep and returns what the row looked like meanwhile."""
    settings.MESSAGING = {"sends_per_second": 1.0, "max_pacing_wait": 10.0}
    seen = []

    class Pacing:
        during = staticmethod(lambda message_id: None)

    def fake_sleep(seconds):
        [message] = SmsMessage.objects.filter(status=SmsStatus.RETRYING)
        seen.append((seconds, message.status, message.send_after, message.error_message))
        Pacing.during(message.pk)

    monkeypatch.setattr(send_module, "sleep", fake_sleep)
    Pacing.seen = seen
    return Pacing


def test_a_paced_text_waits_as_retrying_at_its_slot_then_goes(twilio, paced):
    send(idempotency_key="first")
    second = send(idempotency_key="second")
    [(seconds, status, send_after, reason)] = paced.seen
    assert 0 < seconds <= 1.0 and status == SmsStatus.RETRYING and reason == send_module.PACED
    assert send_after is not None
    assert second.status == SmsStatus.QUEUED and second.send_after is None
    assert len(twilio.messages()) == 2


def test_a_process_killed_while_waiting_leaves_a_text_the_scheduled_sender_sends(twilio,
                                                                                  paced):
    class Killed(BaseException):
        """Like SIGKILL for this code: nothing it catches."""

    def killed(_message_id):
        raise Killed

    paced.during = killed
    send(idempotency_key="first")
    with pytest.raises(Killed):
        send(idempotency_key="second")
    waiting = SmsMessage.objects.get(idempotency_key="second")
    assert waiting.status == SmsStatus.RETRYING and waiting.sid is None
    paced.during = lambda _message_id: None
    assert send_due(now=waiting.send_after + timedelta(seconds=1)).resumed == 1
    waiting.refresh_from_db()
    assert waiting.status == SmsStatus.QUEUED and len(twilio.messages()) == 2


def test_a_text_taken_over_while_it_waited_is_not_sent_twice(twilio, paced):
    def taken_over(message_id):
        SmsMessage.objects.filter(pk=message_id).update(status=SmsStatus.PENDING)

    paced.during = taken_over
    send(idempotency_key="first")
    second = send(idempotency_key="second")
    assert second.status == SmsStatus.PENDING and len(twilio.messages()) == 1
