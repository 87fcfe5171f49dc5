"""The preferences admin: actions that ask for a reason, the audit inline, the review queue,
adding an opt-out by hand, and the CSV import."""

import pytest
from django.contrib.admin import helpers

from messaging.models import CommunicationPreference
from messaging.services import preferences
from tests.messaging.conftest import CUSTOMER_PHONE

pytestmark = pytest.mark.django_db
BASE = "/admin/messaging/communicationpreference/"
REVIEW = "/admin/messaging/optoutreview/"
OTHER = "+14075550143"


@pytest.fixture
def opted_out(db) -> CommunicationPreference:
    return preferences.opt_out(phone=CUSTOMER_PHONE, source="keyword", actor="customer",
                               reason="texted STOP").preference


def act(admin_client, url, action, ids, **extra):
    return admin_client.post(url, {"action": action, helpers.ACTION_CHECKBOX_NAME: ids,
                                   **extra})


@pytest.mark.parametrize("query", ["", "?sms_opted_out__exact=1", "?opt_out_source__exact=keyword",
                                   "?needs_review__exact=0", "?q=407"])
def test_the_list_filters_and_search_answer(admin_client, opted_out, query):
    assert admin_client.get(BASE + query).status_code == 200


def test_the_detail_page_shows_the_audit_history(admin_client, opted_out):
    page = admin_client.get(f"{BASE}{opted_out.pk}/change/").content.decode()
    assert "texted STOP" in page and "customer" in page


def test_an_action_first_asks_for_a_reason(admin_client, opted_out):
    response = act(admin_client, BASE, "opt_in_selected", [opted_out.pk])
    assert response.status_code == 200 and "Reason" in response.content.decode()
    assert CommunicationPreference.objects.get().sms_opted_out


def test_an_empty_reason_is_refused(admin_client, opted_out):
    response = act(admin_client, BASE, "opt_in_selected", [opted_out.pk], apply="1",
                   reason="   ")
    assert "This field is required" in response.content.decode()
    assert CommunicationPreference.objects.get().sms_opted_out


def test_opting_in_with_a_reason_is_done_and_audited(admin_client, opted_out):
    response = act(admin_client, BASE, "opt_in_selected", [opted_out.pk], apply="1",
                   reason="called to resubscribe")
    assert response.status_code == 302
    change = CommunicationPreference.objects.get().changes.last()
    assert (change.action, change.actor, change.reason) == ("opted_in", "admin",
                                                            "called to resubscribe")


def test_opting_out_with_a_reason_uses_the_staff_source(admin_client, opted_out):
    preferences.opt_in(phone=CUSTOMER_PHONE, source="staff", actor="x")
    act(admin_client, BASE, "opt_out_selected", [opted_out.pk], apply="1", reason="asked")
    assert CommunicationPreference.objects.get().opt_out_source == "staff"


def test_the_add_page_opts_a_number_out(admin_client):
    assert admin_client.get(BASE + "add/").status_code == 200
    response = admin_client.post(BASE + "add/", {"phone": "(407) 555-0143",
                                                 "reason": "letter from the customer"})
    assert response.status_code == 302
    assert preferences.is_opted_out(OTHER)


def test_the_add_page_refuses_a_bad_number(admin_client):
    response = admin_client.post(BASE + "add/", {"phone": "call me", "reason": "x"})
    assert response.status_code == 200 and "not a phone number" in response.content.decode()
    assert not CommunicationPreference.objects.exists()


def test_preferences_cannot_be_deleted(admin_client, opted_out):
    assert admin_client.get(f"{BASE}{opted_out.pk}/delete/").status_code == 403


def review_case() -> CommunicationPreference:
    return preferences.opt_out(phone=OTHER, source="free_text", actor="customer",
                               needs_review=True, reason='free text: "stop texting"').preference


def test_the_review_queue_lists_only_free_text_opt_outs(admin_client, opted_out):
    review_case()
    page = admin_client.get(REVIEW).content.decode()
    assert OTHER in page and CUSTOMER_PHONE not in page


def test_confirming_a_review_keeps_the_opt_out(admin_client):
    case = review_case()
    act(admin_client, REVIEW, "confirm_selected", [case.pk], apply="1", reason="clear intent")
    case.refresh_from_db()
    assert case.sms_opted_out and not case.needs_review


def test_undoing_a_review_opts_the_number_back_in(admin_client):
    case = review_case()
    act(admin_client, REVIEW, "opt_in_selected", [case.pk], apply="1",
        reason="they meant stop by")
    case.refresh_from_db()
    assert not case.sms_opted_out and not case.needs_review


def test_the_review_detail_page_answers(admin_client):
    case = review_case()
    page = admin_client.get(f"{REVIEW}{case.pk}/change/").content.decode()
    assert 'free text: &quot;stop texting&quot;' in page


def test_the_messaging_app_index_lists_its_pages(admin_client):
    page = admin_client.get("/admin/messaging/").content.decode()
    assert "SMS messages" in page and "Free-text opt-outs to review" in page


def test_the_audit_history_costs_the_same_however_long_it_is(admin_client, opted_out):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from messaging.models import SmsMessage

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(f"/admin/messaging/communicationpreference/{opted_out.pk}/change/")
        return len(captured)

    def flip(n: int) -> None:
        for i in range(n):
            message = SmsMessage.objects.create(direction="inbound", phone=CUSTOMER_PHONE,
                                                from_number=CUSTOMER_PHONE, to_number="+1",
                                                status="received", sid=f"SM{n}{i:030d}")
            preferences.opt_in(phone=CUSTOMER_PHONE, source="keyword", actor="customer")
            preferences.opt_out(phone=CUSTOMER_PHONE, source="keyword", actor="customer",
                                message=message)

    flip(1)
    queries()  # warm: the first page view also fills per-process caches
    few = queries()
    flip(6)
    assert queries() == few
