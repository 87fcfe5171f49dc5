"""Big-table changelists (config/admin_lists.py, config/estimates.py): the same answers as
Django's, read without scanning the table."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import admin_lists, estimates
from config.admin_lists import EstimatedCountPaginator, with_period_probes
from config.estimates import distinct_values
from messaging.models import SmsMessage
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db
EVENTS = "/admin/workflows/workflowevent/"
ZONE = ZoneInfo("America/New_York")


@pytest.fixture
def events(db):
    return WorkflowEvent.objects.bulk_create(
        WorkflowEvent(event_type=f"estimate.{kind}", entity_type="estimate", entity_id=str(n),
                      source=source)
        for n, (kind, source) in enumerate([("created", "servicetitan"), ("updated", "ghl"),
                                            ("created", "staff")] * 10))


@pytest.fixture
def analysed(events, monkeypatch):
    """The events table analysed and "big": estimates apply above 10 rows."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_events")
    monkeypatch.setattr(estimates, "ESTIMATE_ABOVE", 10)
    monkeypatch.setattr(admin_lists, "ESTIMATE_ABOVE", 10)


def test_an_unfiltered_big_table_is_counted_from_the_statistics(analysed):
    paginator = EstimatedCountPaginator(WorkflowEvent.objects.order_by("-id"), 10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 30
    assert paginator.estimated
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)


def test_a_filtered_list_is_counted_exactly(analysed):
    ghl = WorkflowEvent.objects.filter(source="ghl").order_by("-id")
    paginator = EstimatedCountPaginator(ghl, 10)
    assert paginator.count == 10 and not paginator.estimated


def test_a_small_table_is_counted_exactly(events):
    paginator = EstimatedCountPaginator(WorkflowEvent.objects.order_by("-id"), 10)
    assert paginator.count == 30 and not paginator.estimated


def test_the_changelist_says_an_estimated_count_is_about(admin_client, analysed):
    page = admin_client.get(EVENTS).content.decode()
    assert "about 30 workflow events" in page


def test_filter_values_are_the_distinct_values_django_would_list(events):
    assert distinct_values(WorkflowEvent, "source") == ["ghl", "servicetitan", "staff"]
    assert distinct_values(WorkflowEvent, "event_type") == sorted(
        WorkflowEvent.objects.values_list("event_type", flat=True).distinct())


def test_the_events_list_offers_each_source_once(admin_client, events):
    response = admin_client.get(EVENTS)
    source = next(f for f in response.context["cl"].filter_specs
                  if getattr(f, "field_path", "") == "source")
    assert list(source.lookup_choices) == ["ghl", "servicetitan", "staff"]


def texts_at(*moments: datetime) -> None:
    for moment in moments:
        text = SmsMessage.objects.create(direction="inbound", status="received",
                                         from_number="+14075550142", to_number="+15005550006",
                                         phone="+14075550142")
        SmsMessage.objects.filter(pk=text.pk).update(created_at=moment)


@pytest.mark.parametrize("kind", ["year", "month", "day"])
def test_the_date_hierarchy_finds_the_periods_django_finds(db, kind):
    with timezone.override(ZONE):
        texts_at(datetime(2025, 12, 31, 23, 30, tzinfo=ZONE),   # 2026 in UTC
                 datetime(2026, 1, 1, 0, 30, tzinfo=ZONE), datetime(2026, 1, 15, tzinfo=ZONE),
                 datetime(2026, 3, 2, 12, tzinfo=ZONE))
        queryset = SmsMessage.objects.all()
        expected = list(queryset.datetimes("created_at", kind))
        assert list(with_period_probes(queryset).datetimes("created_at", kind)) == expected
        assert list(with_period_probes(queryset).datetimes("created_at", kind, "DESC")) == \
            expected[::-1]


def test_the_date_hierarchy_of_an_empty_list_has_no_periods(db):
    assert with_period_probes(SmsMessage.objects.all()).datetimes("created_at", "year") == []


def test_the_texts_list_walks_its_date_hierarchy(admin_client, db):
    texts_at(datetime(2026, 1, 15, tzinfo=ZONE), datetime(2026, 3, 2, tzinfo=ZONE))
    page = admin_client.get("/admin/messaging/smsmessage/?created_at__year=2026").content
    assert b"created_at__month=1" in page and b"created_at__month=3" in page
    assert b"created_at__month=2" not in page


def test_rows_added_since_the_last_analyse_are_counted_in(analysed):
    WorkflowEvent.objects.bulk_create(
        WorkflowEvent(event_type="job.created", entity_type="job", entity_id=str(n),
                      source="servicetitan", payload={"note": "x" * 200}) for n in range(2000))
    paginator = EstimatedCountPaginator(WorkflowEvent.objects.order_by("-id"), 10)
    # The analysed 30 rows' density times the pages the table has now (an estimate, as the
    # planner's): above the 30 the statistics hold. How far above depends on the dead pages
    # earlier tests on this database left behind (rolled back rows keep their pages until a
    # VACUUM), so only "more than the statistics" is certain.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'workflow_events'::regclass")
        analysed_rows = cursor.fetchone()[0]
    assert paginator.count > analysed_rows == 30 and paginator.estimated


def test_a_table_never_analysed_is_counted_exactly(db, monkeypatch):
    monkeypatch.setattr(admin_lists, "ESTIMATE_ABOVE", 0)
    SmsMessage.objects.create(direction="inbound", status="received", phone="+14075550142",
                              from_number="+14075550142", to_number="+15005550006")
    paginator = EstimatedCountPaginator(SmsMessage.objects.order_by("-id"), 10)
    assert paginator.count == 1 and not paginator.estimated
