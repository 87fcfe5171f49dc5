"""An empty changelist says what to do next; one emptied by a search or filter offers the way
back."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "hint"), [
    ("/admin/workflows/workflowinstance/", "switch a definition on"),
    ("/admin/workflows/workflowevent/", "Sync now"),
    ("/admin/messaging/smsmessage/", "webhooks/twilio/sms/"),
    ("/admin/messaging/communicationpreference/", "Opt a number out"),
    ("/admin/servicetitan/synclog/", "Sync now"),
    ("/admin/servicetitan/estimate/", "Run a ServiceTitan sync"),
    ("/admin/ghl/webhookdelivery/", "webhooks/ghl/"),
])
def test_an_empty_list_says_what_to_do_next(admin_client, url, hint):
    page = admin_client.get(url).content.decode()
    assert 'class="pc-empty"' in page
    assert hint in page


def test_a_search_that_finds_nothing_offers_the_way_back(admin_client):
    page = admin_client.get("/admin/workflows/workflowinstance/?q=nobody").content.decode()
    assert "Nothing matches “nobody”" in page
    assert '<a href="?">Show everything</a>' in page


def test_a_filter_that_finds_nothing_offers_the_way_back(admin_client):
    page = admin_client.get("/admin/workflows/workflowinstance/?status__exact=failed")
    assert "Nothing matches these filters" in page.content.decode()


def test_a_list_with_rows_shows_no_hint(admin_client):
    page = admin_client.get("/admin/auth/group/").content.decode()
    assert 'class="pc-empty"' not in page
