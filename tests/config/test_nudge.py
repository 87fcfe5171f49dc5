"""``config.nudge``: a task queued after commit, at most once per name and window."""

import pytest
from django.core.cache import cache
from django_q.models import OrmQ

from config.nudge import forget, nudge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    forget()
    yield
    cache.clear()
    forget()


def test_a_nudge_queues_the_task_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        nudge("messaging.tasks.attend_conversations")
    assert OrmQ.objects.count() == 0 and len(callbacks) == 1
    callbacks[0]()
    [queued] = OrmQ.objects.all()
    assert queued.func() == "messaging.tasks.attend_conversations"


def test_nudges_within_the_window_queue_one_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            nudge("messaging.tasks.attend_conversations", within=60)
        nudge("ghl.tasks.drain_conversation_outbox", within=60)
    assert sorted(q.func() for q in OrmQ.objects.all()) == [
        "ghl.tasks.drain_conversation_outbox", "messaging.tasks.attend_conversations"]


def test_a_rolled_back_transaction_queues_nothing():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        nudge("messaging.tasks.attend_conversations")
        raise RuntimeError("rolled back")
    assert OrmQ.objects.count() == 0


def test_a_process_that_queued_recently_does_not_ask_the_cache(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        nudge("messaging.tasks.attend_conversations", within=60)
    cache.clear()  # as if the window had passed elsewhere: this process still knows
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        nudge("messaging.tasks.attend_conversations", within=60)
    assert callbacks == [] and OrmQ.objects.count() == 1


def test_a_process_that_finds_another_s_nudge_stops_asking_the_cache(
        django_capture_on_commit_callbacks):
    """With a shared cache (Redis) only one process wins each window; the others must not
    ask the cache again on every text until the window has passed."""
    cache.add("nudge:messaging.tasks.attend_conversations", 1, timeout=60)  # another process
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        nudge("messaging.tasks.attend_conversations", within=60)
    assert len(callbacks) == 1 and OrmQ.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        nudge("messaging.tasks.attend_conversations", within=60)
    assert callbacks == [] and OrmQ.objects.count() == 0
