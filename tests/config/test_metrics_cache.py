"""/metrics keeps what it read from the database METRICS_CACHE_SECONDS (config/metrics.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import SmsMessage

pytestmark = pytest.mark.django_db


def sent(client) -> str:
    body = client.get("/metrics").content.decode()
    return next(line for line in body.splitlines()
                if line.startswith('perfectcatch_sms_total{stage="received"}'))


def text() -> None:
    SmsMessage.objects.create(direction="inbound", status="received", phone="+14075550142",
                              from_number="+14075550142", to_number="+15005550006")


def test_a_second_scrape_within_the_window_reads_no_table(client, settings):
    settings.METRICS_CACHE_SECONDS = 60
    first = sent(client)
    text()
    with CaptureQueriesContext(connection) as queries:
        assert sent(client) == first
    assert not any("sms_messages" in q["sql"] for q in queries.captured_queries)


def test_with_no_window_every_scrape_reads_the_tables(client, settings):
    settings.METRICS_CACHE_SECONDS = 0
    assert sent(client).endswith(" 0.0")
    text()
    assert sent(client).endswith(" 1.0")


def test_the_schedule_reads_the_figures_scrapes_serve(client, settings):
    from config.tasks import metrics_snapshot

    settings.METRICS_CACHE_SECONDS = 90
    text()
    metrics_snapshot()
    with CaptureQueriesContext(connection) as queries:
        assert sent(client).endswith(" 1.0")
    assert not any("sms_messages" in q["sql"] for q in queries.captured_queries)
