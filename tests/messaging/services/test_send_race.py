"""A STOP that commits while a text is being sent wins (issue 11, item 3): two real database
connections (the sender on the test's own, the opt-out in a thread with its own), the real
advisory lock, the Twilio sandbox's record of what it was handed."""

import threading
import time

import pytest
from django.db import connection

from messaging import twilio as twilio_client
from messaging.locks import number_key
from messaging.models import CommunicationPreference, PreferenceChange, SmsStatus
from messaging.services import pacing, preferences
from messaging.services.send import send_sms
from tests.messaging.conftest import CUSTOMER_PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def send():
    return send_sms(to=CUSTOMER_PHONE, body="Your estimate is ready", purpose="transactional")


class OptOutThread(threading.Thread):
    """A STOP processed on another connection, as another worker would."""

    def __init__(self) -> None:
        super().__init__()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            preferences.opt_out(phone=CUSTOMER_PHONE, source="keyword", actor="twilio")
        except BaseException as exc:  # reported by the test: a thread's error is otherwise lost
            self.error = exc
        finally:
            connection.close()


def waiting_for_the_number_lock() -> bool:
    """Whether some session of this database waits for CUSTOMER_PHONE's lock."""
    classid, objid = number_key(CUSTOMER_PHONE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND classid = %s AND objid = %s AND objsubid = 2 AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            [classid, objid])
        return cursor.fetchone()[0] > 0


def test_an_opt_out_committed_after_the_check_means_twilio_never_gets_the_text(twilio,
                                                                           monkeypatch):
    reserve = pacing.reserve

    def stop_arrives_meanwhile(*args, **kwargs):  # the row is 'pending', committed, checked
        stop = OptOutThread()
        stop.start()
        stop.join()
        assert stop.error is None
        return reserve(*args, **kwargs)

    monkeypatch.setattr(pacing, "reserve", stop_arrives_meanwhile)
    message = send()
    assert twilio.messages() == []
    assert message.status == SmsStatus.BLOCKED and "opted out" in message.error_message


def test_an_opt_out_arriving_during_the_twilio_call_waits_for_it(twilio, monkeypatch):
    real_send = twilio_client.send_message
    stop = OptOutThread()

    def stop_arrives_during_the_call(**kwargs):
        stop.start()
        # The opt-out must queue behind this send, not finish before Twilio has the text.
        while not waiting_for_the_number_lock():
            assert stop.is_alive(), "the opt-out did not wait for the text being sent"
            time.sleep(0.01)
        return real_send(**kwargs)

    monkeypatch.setattr(twilio_client, "send_message", stop_arrives_during_the_call)
    message = send()
    stop.join()
    assert stop.error is None
    assert message.status == SmsStatus.QUEUED and len(twilio.messages()) == 1
    assert CommunicationPreference.objects.get(phone=CUSTOMER_PHONE).sms_opted_out
    assert PreferenceChange.objects.get().created_at > message.submitted_at
    message.refresh_from_db()
    assert message.status != SmsStatus.CANCELED  # handed over before the opt-out: not undone


def test_after_an_opt_out_commits_no_later_text_reaches_twilio(twilio):
    preferences.opt_out(phone=CUSTOMER_PHONE, source="keyword", actor="twilio")
    assert send().status == SmsStatus.BLOCKED and twilio.messages() == []
