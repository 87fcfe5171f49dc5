"""Every admin URL the project registers, asked as a superuser with junk query strings and
junk path segments, answers something other than 500 (a 4xx with a reason, or the page)."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver

from tests.workflows.factories import EstimateFactory, emit
from workflows.models import WorkflowDefinition

pytestmark = pytest.mark.django_db

JUNK_QUERIES = ["x=%00", "status__exact=%00", "q=%00", "o=999", "p=-1",
                "p=99999999999999999999", "since=99999999w", "nonexistent__lookup=1",
                "id__gte=abc"]
JUNK_SEGMENTS = ["%00", "9" * 40, "x" * 300]
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def admin_paths() -> list[str]:
    """Every admin URL pattern as a path template (``<…>`` left in for the parameters)."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and not str(pattern.pattern).startswith(
                    ("^", "(")):
                yield prefix + str(pattern.pattern)

    return sorted(set(walk(admin.site.get_urls(), "/admin/")))


def fill(template: str, segment: str) -> str:
    return _PARAM.sub(lambda m: "99999999999999999999" if m[1] == "int" else segment,
                      template)


@pytest.fixture
def superuser_client(client, admin_user, settings):
    # Hundreds of pages in a minute: the per-user budget must not turn them into 429s.
    settings.RATELIMITS = {**settings.RATELIMITS, "admin": "100000/m"}
    client.force_login(admin_user)
    client.raise_request_exception = False
    return client


@pytest.fixture
def rows():
    """A row or two where pages show more with data behind them."""
    emit(EstimateFactory(), "estimate.created")
    return WorkflowDefinition.objects.filter(trigger_kind="event").first()  # event backtest


def test_no_admin_page_answers_500_to_junk_query_strings(superuser_client, rows):
    failures = [(path, query, status) for path in admin_paths() if "<" not in path
                for query in JUNK_QUERIES
                if (status := superuser_client.get(f"{path}?{query}").status_code) >= 500]
    assert failures == []


def test_no_admin_page_answers_500_to_junk_path_segments(superuser_client, rows):
    failures = [(url, status) for path in admin_paths() if "<" in path
                for url in [fill(path, segment) for segment in JUNK_SEGMENTS]
                if (status := superuser_client.get(url).status_code) >= 500]
    assert failures == []


def test_the_odd_inputs_named_in_the_issue_answer_400_with_a_message(superuser_client, rows):
    backtest = superuser_client.get(f"/admin/workflows/workflowdefinition/{rows.pk}/backtest/"
                                    f"?since=99999999w")
    nul = superuser_client.get("/admin/workflows/workflowinstance/?status__exact=%00")
    assert backtest.status_code == 400 and "too long" in backtest.content.decode()
    assert nul.status_code == 400 and "NUL" in nul.content.decode()


def test_a_junk_path_below_the_admin_is_not_a_500(superuser_client):
    for path in ("/admin/%00/", "/admin/workflows/%00/", "/admin/nope/nothing/%00/change/"):
        assert superuser_client.get(path).status_code < 500
