from datetime import timedelta

import pytest
from django.utils import timezone

from tests.workflows.factories import EstimateFactory, emit
from workflows.backtest import backtest
from workflows.models import WorkflowEvent, WorkflowInstance

pytestmark = pytest.mark.django_db


def test_it_counts_what_would_have_started_without_writing_anything(follow_up):
    big, small = EstimateFactory(), EstimateFactory(total="10.00")
    for estimate in (big, small, big):
        emit(estimate, "estimate.created")
    result = backtest(follow_up.content(), since=timedelta(days=30))
    assert (result.events, result.matched, result.would_start) == (3, 2, 1)
    assert result.sample[0]["entity_id"] == str(big.id)
    assert not WorkflowInstance.objects.exists()


def test_events_older_than_the_window_are_left_out(follow_up):
    emit(EstimateFactory(), "estimate.created")
    WorkflowEvent.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert backtest(follow_up.content(), since=timedelta(days=30)).events == 0


def test_re_entry_always_counts_every_match(follow_up):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    emit(estimate, "estimate.created")
    content = {**follow_up.content(), "reentry": "always"}
    assert backtest(content, since=timedelta(days=1)).would_start == 2
