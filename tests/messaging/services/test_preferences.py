"""opt_out / opt_in / confirm_review: the preference, its audit trail, events, hooks, and
what an opt-out cancels."""

from datetime import UTC, datetime

import pytest

from messaging import hooks
from messaging.models import CommunicationPreference, SmsStatus
from messaging.phones import InvalidPhoneNumber
from messaging.services import preferences
from messaging.services.send import send_sms
from tests.messaging.conftest import CUSTOMER_PHONE, ContactFactory
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db


def opt_out(**kwargs):
    return preferences.opt_out(**{"phone": CUSTOMER_PHONE, "source": "staff", "actor": "ana",
                                  "reason": "asked on the phone", **kwargs})


def test_an_opt_out_is_recorded_with_who_when_and_why():
    result = opt_out(phone="(407) 555-0142")
    preference = CommunicationPreference.objects.get()
    assert result.changed and preference.phone == CUSTOMER_PHONE
    assert preference.sms_opted_out and preference.opted_out_at
    change = preference.changes.get()
    assert (change.action, change.source, change.actor, change.reason) == (
        "opted_out", "staff", "ana", "asked on the phone")


def test_opting_out_twice_changes_nothing_the_second_time():
    opt_out()
    assert not opt_out(source="ghl").changed
    assert CommunicationPreference.objects.get().changes.count() == 1


def test_an_opt_in_is_audited_and_keeps_the_opt_out_history():
    opt_out()
    result = preferences.opt_in(phone=CUSTOMER_PHONE, source="staff", actor="ana",
                                reason="customer asked again")
    preference = result.preference
    assert result.changed and not preference.sms_opted_out and preference.opted_in_at
    assert [c.action for c in preference.changes.all()] == ["opted_out", "opted_in"]


def test_opting_in_a_number_that_never_opted_out_changes_nothing():
    assert not preferences.opt_in(phone=CUSTOMER_PHONE, source="staff", actor="a").changed
    assert not CommunicationPreference.objects.exists()


def test_an_opt_out_emits_sms_opted_out_for_workflows():
    customer = ContactFactory().customer_id
    opt_out()
    event = WorkflowEvent.objects.get(event_type="sms.opted_out")
    assert (event.entity_type, event.entity_id, event.source) == ("customer", str(customer),
                                                                  "staff")
    assert event.payload["phone"] == CUSTOMER_PHONE


def test_an_opt_out_cancels_the_numbers_deferred_texts(twilio):
    ContactFactory()
    night = datetime(2026, 6, 11, 3, 0, tzinfo=UTC)
    deferred = send_sms(to=CUSTOMER_PHONE, body="Spring tune-up?", purpose="marketing",
                        now=night)
    result = opt_out()
    deferred.refresh_from_db()
    assert result.cancelled_texts == 1 and deferred.status == SmsStatus.CANCELED
    assert "opted out" in deferred.error_message


def test_subscribers_hear_of_a_change_after_it_commits(django_capture_on_commit_callbacks):
    heard = []
    hooks.on_preference_change(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            opt_out()
            assert heard == []
    finally:
        hooks.remove_callback(heard.append)
    assert heard[0].phone == CUSTOMER_PHONE and heard[0].opted_out and heard[0].source == "staff"


def test_a_failing_subscriber_does_not_stop_the_others(django_capture_on_commit_callbacks):
    heard = []

    def broken(notice):
        raise RuntimeError("ghl down")
    hooks.on_preference_change(broken)
    hooks.on_preference_change(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            opt_out()
    finally:
        hooks.remove_callback(broken)
        hooks.remove_callback(heard.append)
    assert len(heard) == 1


def test_confirming_a_free_text_opt_out_takes_it_off_the_review_queue():
    opt_out(source="free_text", needs_review=True)
    result = preferences.confirm_review(phone=CUSTOMER_PHONE, actor="ana", reason="clear")
    assert result.changed and result.preference.sms_opted_out
    assert not result.preference.needs_review


def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError, match="unknown opt-out source"):
        opt_out(source="fax")
    assert not CommunicationPreference.objects.exists()


def test_a_bad_number_is_refused():
    with pytest.raises(InvalidPhoneNumber):
        opt_out(phone="not a number")


def test_is_opted_out_accepts_any_spelling():
    opt_out()
    assert preferences.is_opted_out("(407) 555-0142")
    assert not preferences.is_opted_out("407-555-0143")
