"""The conversations list (messaging.selectors.LatestThreads): the threads grouping every text
by number gives, found by walking the newest texts."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.utils import timezone

from messaging.models import SmsMessage
from messaging.selectors import LatestThreads

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(db):
    """Seven numbers, texts in and out at interleaved times; equal times on two numbers."""
    now = timezone.now()
    plan = [(1, 50), (2, 49), (1, 48), (3, 40), (4, 30), (5, 30), (2, 20), (6, 10), (7, 5),
            (3, 4), (6, 1)]
    for n, (number, minutes) in enumerate(plan):
        phone = f"+1407555010{number}"
        text = SmsMessage.objects.create(
            direction="inbound" if n % 3 == 0 else "outbound", status="received",
            phone=phone, from_number=phone, to_number="+15005550006")
        SmsMessage.objects.filter(pk=text.pk).update(created_at=now - timedelta(minutes=minutes))


def grouped() -> list[dict]:
    """What the page showed before: every text grouped by number, latest first."""
    return list(SmsMessage.objects.values("phone").annotate(
        last_at=Max("created_at"), total=Count("id"),
        inbound=Count("id", filter=Q(direction="inbound"))).order_by("-last_at", "phone"))


def pages(threads, per_page: int) -> list[dict]:
    paginator = Paginator(threads, per_page)
    return [row for number in paginator.page_range for row in paginator.page(number)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 2000])
def test_every_page_holds_the_threads_grouping_gives(texts, monkeypatch, chunk):
    monkeypatch.setattr(LatestThreads, "chunk", chunk)
    shown = pages(LatestThreads(), 2)
    expected = grouped()
    assert sorted(shown, key=lambda r: (-r["last_at"].timestamp(), r["phone"])) == expected
    assert [r["last_at"] for r in shown] == [r["last_at"] for r in expected]


def test_the_count_is_the_number_of_numbers(texts):
    assert LatestThreads().count() == 7


def test_no_texts_no_threads(db):
    assert LatestThreads().count() == 0 and LatestThreads()[0:50] == []


def test_the_conversations_page_shows_the_newest_thread_first(admin_client, texts):
    response = admin_client.get("/admin/messaging/smsmessage/conversations/")
    first = response.context["page"][0]
    assert (first["phone"], first["total"]) == ("+14075550106", 2)
