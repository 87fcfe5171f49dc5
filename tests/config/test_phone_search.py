"""A search by phone number, in any usual spelling, finds the rows of that number on every
page that lists numbers (config.admin_lists.PhoneSearchMixin)."""

import pytest
from django.utils import timezone

from ghl.models import GHLContact
from messaging.models import CommunicationPreference, SmsMessage
from servicetitan.models import CustomerContact

pytestmark = pytest.mark.django_db
PHONE = "+14075550142"
SPELLINGS = ["+14075550142", "(407) 555-0142", "407.555.0142", "407-555-0142",
             "4075550142", "1 407 555 0142", "+1 407 555 0142"]


@pytest.fixture
def rows(db):
    for phone in (PHONE, "+14075550199"):
        SmsMessage.objects.create(direction="inbound", status="received", phone=phone,
                                  from_number=phone, to_number="+15005550006", body="hello")
        CommunicationPreference.objects.create(phone=phone, sms_opted_out=True)
    now = timezone.now()
    CustomerContact.objects.create(id=71, customer_id=7, type="MobilePhone",
                                   value="(407) 555-0142", phone_e164=PHONE, raw={},
                                   synced_at=now)
    CustomerContact.objects.create(id=72, customer_id=8, type="MobilePhone",
                                   value="407.555.0199", phone_e164="+14075550199", raw={},
                                   synced_at=now)
    GHLContact.objects.create(id="c1", phone="407 555 0142", phone_e164=PHONE, raw={},
                              synced_at=now)
    GHLContact.objects.create(id="c2", phone="+14075550199", phone_e164="+14075550199", raw={},
                              synced_at=now)


def found(admin_client, path: str, query: str) -> list:
    response = admin_client.get(path, {"q": query})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_texts_are_found_by_their_number_in_any_spelling(admin_client, rows, spelling):
    texts = found(admin_client, "/admin/messaging/smsmessage/", spelling)
    assert [t.phone for t in texts] == [PHONE]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_preferences_are_found_by_their_number_in_any_spelling(admin_client, rows, spelling):
    preferences = found(admin_client, "/admin/messaging/communicationpreference/", spelling)
    assert [p.phone for p in preferences] == [PHONE]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_servicetitan_contacts_are_found_by_their_number_in_any_spelling(admin_client, rows,
                                                                         spelling):
    contacts = found(admin_client, "/admin/servicetitan/customercontact/", spelling)
    assert [c.id for c in contacts] == [71]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_ghl_contacts_are_found_by_their_number_in_any_spelling(admin_client, rows, spelling):
    contacts = found(admin_client, "/admin/ghl/ghlcontact/", spelling)
    assert [c.id for c in contacts] == ["c1"]


def test_a_number_that_is_also_an_id_finds_the_row_with_that_id(admin_client, rows):
    CustomerContact.objects.create(id=4075550142, customer_id=9, type="Email",
                                   value="dana@example.com", raw={}, synced_at=timezone.now())
    contacts = found(admin_client, "/admin/servicetitan/customercontact/", "4075550142")
    assert sorted(c.id for c in contacts) == [71, 4075550142]


def test_a_search_that_is_not_a_number_searches_as_before(admin_client, rows):
    assert len(found(admin_client, "/admin/messaging/smsmessage/", "hello")) == 2
    assert len(found(admin_client, "/admin/messaging/smsmessage/", "0199")) == 1


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_conversations_are_found_by_their_number_in_any_spelling(admin_client, rows,
                                                                 spelling):
    response = admin_client.get("/admin/messaging/smsmessage/conversations/", {"q": spelling})
    assert [t["phone"] for t in response.context["page"]] == [PHONE]


def test_a_local_number_without_its_area_code_is_searched_as_text(admin_client, rows):
    contacts = found(admin_client, "/admin/servicetitan/customercontact/", "555-0142")
    assert [c.id for c in contacts] == [71]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_inbox_conversations_are_found_by_their_number_in_any_spelling(admin_client, rows,
                                                                       spelling):
    from messaging.models import Conversation

    for phone in (PHONE, "+14075550199"):
        Conversation.objects.create(phone=phone)
    conversations = found(admin_client, "/admin/messaging/conversation/", spelling)
    assert [c.phone for c in conversations] == [PHONE]
