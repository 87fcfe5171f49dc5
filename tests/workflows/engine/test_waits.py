"""A reply is never missed by an instance about to wait for it: the awaited event processed
(by the tick, or a second listener) while the wait was still only in a worker's memory."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.workflows.factories import EstimateFactory, JobFactory, emit
from tests.workflows.processes import GUARD, eventually, finish, spawn
from workflows.engine import Runner, process_events
from workflows.engine import matching as matching_module
from workflows.engine.steprun import InstanceRun
from workflows.events import Event, record_event
from workflows.models import InstanceStatus, WorkflowAuditLog, WorkflowInstance

PHONE = "+15550100"
REPLY_STEPS = [
    {"id": "reply", "type": "wait_for_event", "event": "sms.received",
     "correlation": {"phone": PHONE}, "timeout": "3d"},
    {"id": "answer", "type": "set", "values": {"answer": "{{ steps.reply.event.body }}"}},
]


def reply(phone: str, body: str):
    return record_event(Event("sms.received", "phone", phone, {"phone": phone, "body": body},
                              "twilio"))


def start_waiter(make_definition) -> WorkflowInstance:
    make_definition(name="Reply", trigger_conditions={}, cancel_on=[], steps=REPLY_STEPS)
    emit(EstimateFactory(), "estimate.created")
    process_events(now=timezone.now())
    return WorkflowInstance.objects.get()


def waiting_in_memory(runner: Runner) -> InstanceRun:
    """Claim the waiter and run it up to its wait, without saving anything."""
    run = InstanceRun(runner.claim(timezone.now())[0], runner.worker, runner.flush)
    run.run()
    assert run.instance.status == InstanceStatus.WAITING
    return run


@pytest.mark.django_db
def test_a_reply_taken_while_the_wait_is_unsaved_wakes_it_when_it_is_saved(make_definition,
                                                                           drain):
    waiter = start_waiter(make_definition)
    runner = Runner("listener")
    run = waiting_in_memory(runner)
    reply(PHONE, "YES please")
    assert process_events(now=timezone.now()).woken == 0   # the tick: nothing waits yet
    runner.flush([run])
    waiter.refresh_from_db()
    assert (waiter.status, waiter.wait_event_type) == (InstanceStatus.PENDING, "")
    assert WorkflowAuditLog.objects.filter(instance=waiter, action="woken").exists()
    drain()
    waiter.refresh_from_db()
    assert waiter.status == InstanceStatus.COMPLETED
    assert waiter.context["vars"]["answer"] == "YES please"


@pytest.mark.django_db
def test_a_text_from_another_number_taken_meanwhile_does_not_wake_it(make_definition):
    waiter = start_waiter(make_definition)
    runner = Runner("listener")
    run = waiting_in_memory(runner)
    reply("+15550199", "YES")
    process_events(now=timezone.now())
    runner.flush([run])
    waiter.refresh_from_db()
    assert (waiter.status, waiter.wait_event_type) == (InstanceStatus.WAITING, "sms.received")


@pytest.mark.django_db
def test_a_reply_taken_before_the_instance_was_claimed_does_not_wake_it(make_definition,
                                                                        drain):
    waiter = start_waiter(make_definition)
    reply(PHONE, "an answer to something else")
    drain()
    waiter.refresh_from_db()
    assert (waiter.status, waiter.wait_event_type) == (InstanceStatus.WAITING, "sms.received")


@pytest.fixture
def wait_then_slow(make_definition):
    """Due in this order, for one batch: an instance about to wait for a reply, and one with
    a step that blocks — so the first is waiting in the worker's memory for as long as the
    test wants."""
    waiter = start_waiter(make_definition)
    make_definition(name="Slow", trigger_event="job.created", trigger_conditions={},
                    cancel_on=[], steps=[{"id": "slow", "type": "test_slow", "block": True}])
    emit(JobFactory(), "job.created")
    process_events(now=timezone.now())
    return waiter


def assert_answered(waiter: WorkflowInstance, body: str) -> None:
    waiter.refresh_from_db()
    assert waiter.status == InstanceStatus.COMPLETED, waiter.status_detail
    assert waiter.context["vars"]["answer"] == body


@pytest.mark.django_db(transaction=True)
def test_a_reply_the_tick_takes_while_the_listener_holds_the_wait_still_wakes_it(
        postgres_only, wait_then_slow, fifos):
    proc = spawn("--once", **fifos.env)
    fifos.inside(proc)
    reply(PHONE, "YES please")
    assert process_events(now=timezone.now()).woken == 0
    fifos.let_go(proc)
    finish(proc)
    assert_answered(wait_then_slow, "YES please")


@pytest.mark.django_db(transaction=True)
def test_a_reply_being_taken_while_the_wait_is_saved_still_wakes_it(
        postgres_only, wait_then_slow, fifos, monkeypatch):
    """The tick has looked for waiting instances (none yet) but not committed when the
    listener saves the wait: saving waits for the tick's commit, then sees the reply taken."""
    looked, commit = threading.Event(), threading.Event()
    wake_for_event = matching_module.wake_for_event

    def wake_then_hold(event, now):
        woken = wake_for_event(event, now)
        looked.set()
        commit.wait(GUARD)
        return woken

    monkeypatch.setattr(matching_module, "wake_for_event", wake_then_hold)
    proc = spawn("--once", **fifos.env)
    fifos.inside(proc)
    reply(PHONE, "YES please")
    tick = threading.Thread(target=lambda: (process_events(now=timezone.now()),
                                            connection.close()))
    tick.start()
    try:
        assert looked.wait(GUARD)
        fifos.let_go(proc)
        eventually(lambda: lock_waits() > 0, proc, "saving the wait did not wait for the tick")
    finally:
        commit.set()
        tick.join(GUARD)
    finish(proc)
    assert_answered(wait_then_slow, "YES please")


def lock_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]
