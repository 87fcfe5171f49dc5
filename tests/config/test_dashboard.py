from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

import messaging.dashboard
from config.dashboard import RED, Panel, Tile, bar_chart, dashboard
from ghl.models import WebhookDelivery
from messaging.models import SmsMessage

pytestmark = pytest.mark.django_db

TITLES = ["ServiceTitan mirror", "Workflows", "Texting", "GoHighLevel"]


def test_the_front_page_shows_health_and_every_panel_to_a_superuser(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert all(title in page for title in TITLES)
    assert "database" in page and "Texts per day" in page


def test_the_texting_panel_counts_todays_texts(admin_user):
    SmsMessage.objects.create(direction="inbound", phone="+14155550123", from_number="+1",
                              to_number="+2", status="received", sid="SM" + "0" * 32)
    texting = next(p for p in dashboard(admin_user)["panels"] if p["title"] == "Texting")
    assert next(t.value for t in texting["tiles"] if t.label == "texts today") == 1


def test_staff_see_only_the_panels_they_may_view(client):
    user = get_user_model().objects.create_user("nobody", password="x" * 12, is_staff=True)
    assert dashboard(user)["panels"] == []
    user.groups.add(Group.objects.get(name="Viewer"))
    user = get_user_model().objects.get(pk=user.pk)  # permissions are cached per instance
    assert [p["title"] for p in dashboard(user)["panels"]] == TITLES


def test_bar_chart_draws_one_stack_per_day_with_a_tooltip_each():
    svg = bar_chart([(date(2026, 11, 27), {"sent": 2, "failed": 1}),
                     (date(2026, 11, 28), {"sent": 0, "failed": 0})],
                    {"sent": "#0f0", "failed": "#f00"}, "texts per day")
    assert svg.count("<rect") == 4 and "Fri 27 Nov: sent 2" in svg and "(max 3)" in svg


def test_the_ghl_panel_shows_the_webhook_deliveries_given_up_in_red(admin_user):
    WebhookDelivery.objects.create(verdict="accepted", status="gave_up", webhook_id="w1")
    ghl = next(p for p in dashboard(admin_user)["panels"] if p["title"] == "GoHighLevel")
    tile = next(t for t in ghl["tiles"] if t.label == "webhooks given up")
    assert (tile.value, tile.colour) == (1, RED) and "status__exact=gave_up" in tile.url


def test_an_apps_panel_is_placed_by_its_order_and_built_for_the_user(admin_user, monkeypatch):
    first = Panel("First", "messaging.view_smsmessage",
                  lambda user: {"tiles": [Tile("signed in as", user.get_username())]}, order=5)
    monkeypatch.setattr(messaging.dashboard, "PANELS", (*messaging.dashboard.PANELS, first))
    panels = dashboard(admin_user)["panels"]
    assert [p["title"] for p in panels] == ["First", *TITLES]
    assert panels[0]["tiles"][0].value == admin_user.get_username()
