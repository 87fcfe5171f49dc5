"""The shared "Export selected as CSV" action: declared columns, one query, times in the
business time zone, no spreadsheet formulas, and open to anyone who may view the list."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.contrib.admin import site
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.csv_export import cell
from messaging.models import CommunicationPreference, SmsMessage

pytestmark = pytest.mark.django_db
TEXTS = "/admin/messaging/smsmessage/"


def export(client, url, ids):
    response = client.post(url, {"action": "export_csv", "_selected_action": ids})
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(body)))


def text(**fields):
    return SmsMessage.objects.create(**{"direction": "outbound", "phone": "+14075550142",
                                        "body": "Hi", "purpose": "marketing",
                                        "status": "delivered", **fields})


def test_the_selected_texts_export_with_their_declared_columns(admin_client):
    first, second = text(body="Hello there"), text(body="=HYPERLINK(\"x\")")
    response, rows = export(admin_client, TEXTS, [first.pk, second.pk])
    assert response["Content-Type"].startswith("text/csv")
    assert "smsmessage-" in response["Content-Disposition"]
    assert rows[0][:4] == ["id", "created_at", "direction", "phone"]
    assert [row[rows[0].index("body")] for row in rows[1:]] == ["Hello there",
                                                                "'=HYPERLINK(\"x\")"]


def test_times_are_written_in_the_business_time_zone(settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    from django.utils import timezone
    with timezone.override("America/New_York"):
        assert cell(datetime(2026, 7, 1, 16, 0, tzinfo=UTC)) == "2026-07-01 12:00:00-04:00"


def test_every_row_comes_from_one_query_however_many(admin_client):
    def texts_queries(ids):
        with CaptureQueriesContext(connection) as queries:
            _, rows = export(admin_client, TEXTS, ids)
        assert len(rows) == len(ids) + 1
        return len([q for q in queries if "sms_messages" in q["sql"]])

    # The page's own queries (its filters' choices, the selection) do not grow with the rows.
    assert texts_queries([text().pk for _ in range(2)]) == texts_queries(
        [text().pk for _ in range(30)])


def test_a_viewer_may_export_what_they_may_read(client):
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewer"))
    client.force_login(viewer)
    preference = CommunicationPreference.objects.create(phone="+14075550142")
    _, rows = export(client, "/admin/messaging/communicationpreference/", [preference.pk])
    assert rows[1][0] == "'+14075550142"


@pytest.mark.parametrize("model", ["workflows.workflowinstance", "workflows.workflowevent",
                                   "workflows.workflowdefinition", "workflows.audiencerun",
                                   "messaging.smsmessage", "messaging.communicationpreference",
                                   "messaging.optoutreview", "messaging.conversation",
                                   "ghl.webhookdelivery",
                                   "ghl.synclog", "servicetitan.synclog"])
def test_the_main_changelists_offer_the_export(rf, admin_user, model):
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin = site._registry[apps.get_model(model)]
    assert "export_csv" in model_admin.get_actions(request)
