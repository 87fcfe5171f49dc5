import threading

import psycopg
import pytest
from django.db import connection

from tests.workflows.factories import EstimateFactory, emit
from workflows.models import WorkflowInstance
from workflows.schedules import SCHEDULES
from workflows.tasks import LOCK_NAME, run_worker, worker_lock

pytestmark = pytest.mark.django_db


def test_the_scheduled_task_runs_the_worker_for_the_given_time(follow_up):
    emit(EstimateFactory(), "estimate.created")
    assert run_worker(seconds=0.2).startswith("ran 0.2s: 1 events, 1 instances started")
    assert WorkflowInstance.objects.count() == 1


def test_a_run_while_another_session_holds_the_lock_is_skipped():
    # The advisory lock belongs to a database session: hold it from a second connection.
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(hashtext(%s))", [LOCK_NAME])
        assert run_worker(seconds=0.1, wait=0.2) == (
            "skipped: another workflow worker run holds the lock")
    finally:
        other.close()


def test_a_waiting_run_takes_over_as_soon_as_the_holder_lets_go(follow_up):
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    other.execute("SELECT pg_advisory_lock(hashtext(%s))", [LOCK_NAME])
    emit(EstimateFactory(), "estimate.created")
    # The holder lets go while this run is waiting for the lock (a timer, not a sleep in the
    # test: the run itself blocks until the lock is free).
    threading.Timer(0.3, other.close).start()
    outcome = run_worker(seconds=0.2, wait=30)
    assert outcome.startswith("ran 0.2s: 1 events, 1 instances started")


def test_the_lock_is_released_after_a_run():
    run_worker(seconds=0.05)
    with worker_lock(1) as held:
        assert held


def test_the_worker_is_scheduled_every_minute():
    assert [(s.func, s.minutes) for s in SCHEDULES] == [("workflows.tasks.run_worker", 1)]
