"""The texts admin: list, filters, search, detail, conversations."""

import pytest

from messaging.models import SmsMessage, SmsStatus
from messaging.services import preferences
from tests.messaging.conftest import CUSTOMER_PHONE

pytestmark = pytest.mark.django_db
BASE = "/admin/messaging/smsmessage/"


@pytest.fixture
def thread(db) -> list[SmsMessage]:
    common = {"from_number": "+15005550006", "to_number": CUSTOMER_PHONE, "phone": CUSTOMER_PHONE}
    return [
        SmsMessage.objects.create(direction="outbound", status=SmsStatus.DELIVERED,
                                  body="Your estimate is ready", sid="SM" + "1" * 32, **common),
        SmsMessage.objects.create(direction="inbound", status=SmsStatus.RECEIVED,
                                  body="Is Tuesday ok?", sid="SM" + "2" * 32,
                                  **{**common, "from_number": CUSTOMER_PHONE,
                                     "to_number": "+15005550006"}),
        SmsMessage.objects.create(direction="outbound", status=SmsStatus.UNDELIVERED,
                                  body="<b>Yes</b>", error_code=30003, **common),
    ]


@pytest.mark.parametrize("query", ["", "?status__exact=undelivered", "?direction__exact=inbound",
                                   "?q=Tuesday", "?q=%2B1407", "?intent__exact=help"])
def test_the_list_filters_and_search_answer(admin_client, thread, query):
    response = admin_client.get(BASE + query)
    assert response.status_code == 200


def test_the_status_filter_narrows_the_list(admin_client, thread):
    page = admin_client.get(BASE + "?status__exact=undelivered").content.decode()
    assert "&lt;b&gt;Yes&lt;/b&gt;" in page and "Is Tuesday ok?" not in page


def test_a_message_detail_page_shows_it_read_only(admin_client, thread):
    response = admin_client.get(f"{BASE}{thread[0].pk}/change/")
    assert response.status_code == 200 and "Your estimate is ready" in response.content.decode()


def test_texts_cannot_be_added_by_hand(admin_client):
    assert admin_client.get(BASE + "add/").status_code == 403


def test_conversations_list_each_number_once(admin_client, thread):
    page = admin_client.get(BASE + "conversations/").content.decode()
    assert page.count(f">{CUSTOMER_PHONE}</a>") == 1


def test_conversations_can_be_searched(admin_client, thread):
    page = admin_client.get(BASE + "conversations/?q=999").content.decode()
    assert "No conversations" in page


def test_a_conversation_shows_the_thread_in_order_and_the_opt_out(admin_client, thread):
    preferences.opt_out(phone=CUSTOMER_PHONE, source="keyword", actor="customer")
    page = admin_client.get(f"{BASE}conversations/{CUSTOMER_PHONE}/").content.decode()
    assert page.index("Your estimate is ready") < page.index("Is Tuesday ok?")
    assert "Opted out" in page and "error 30003" in page
    assert "<b>Yes</b>" not in page  # bodies are escaped


def test_the_admin_needs_a_login(client):
    assert client.get(BASE + "conversations/").status_code == 302
