"""Evaluating an audience: newcomers start once, the entry policy, exclusions, the daily cap,
leaving ends the instance, a re-run starts nothing twice, and the run log."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from tests.workflows.audiences.conftest import local
from tests.workflows.factories import CustomerFactory, JobFactory
from workflows import entities
from workflows.audiences.evaluation import audience_of, evaluate_audience, members
from workflows.audiences.starts import start_newcomers
from workflows.engine.context import build_context
from workflows.models import (
    AudienceRun,
    InstanceStatus,
    WorkflowAuditLog,
    WorkflowDefinition,
    WorkflowInstance,
)
from workflows.services import definition_save

pytestmark = pytest.mark.django_db
DAY_1 = local(2026, 5, 10, 9, 0)


def evaluate(definition, now=DAY_1) -> AudienceRun:
    return evaluate_audience(definition_id=definition.pk, now=now)


def started(definition) -> list[str]:
    return sorted(WorkflowInstance.objects.filter(definition=definition).values_list(
        "entity_id", flat=True))


def test_newcomers_start_a_pending_instance_due_now(make_audience):
    lapsed = CustomerFactory(name="Dana Whitfield")
    definition = make_audience()
    run = evaluate(definition)
    instance = WorkflowInstance.objects.get(definition=definition)
    assert (instance.entity_type, instance.entity_id, instance.customer_id) == (
        "customer", str(lapsed.id), lapsed.id)
    assert (instance.status, instance.current_step, instance.next_run_at) == (
        InstanceStatus.PENDING, "text", DAY_1)
    assert instance.audience_day.isoformat() == "2026-05-10"
    assert (run.matched, run.entered, run.already, run.excluded, run.capped) == (1, 1, 0, 0, 0)
    assert WorkflowAuditLog.objects.get(instance=instance).detail == (
        "entered the audience (evaluation of 2026-05-10)")


def test_the_context_is_the_one_the_engine_builds_for_a_record(make_audience):
    customer = CustomerFactory(name="Dana  Whitfield", balance=Decimal("12.50"))
    definition = make_audience()
    evaluate(definition)
    instance = WorkflowInstance.objects.get(definition=definition)
    expected = build_context(event_type="audience", event_id=None,
                             payload=entities.snapshot(customer), entity_type="customer",
                             entity_id=str(customer.id), customer_id=customer.id)
    assert instance.context == expected
    assert instance.context["entity"]["balance"] == "12.50"


def test_the_engine_runs_what_the_audience_started(make_audience, drain, sent_sms):
    CustomerFactory(name="Dana Whitfield")
    evaluate(make_audience())
    drain()
    assert [s["body"] for s in sent_sms] == ["Hi Dana, it has been a while."]


def test_enter_once_never_starts_the_same_entity_again(make_audience):
    customer = CustomerFactory()
    definition = make_audience(entry="once")
    evaluate(definition)
    WorkflowInstance.objects.update(status=InstanceStatus.COMPLETED)
    later = evaluate(definition, DAY_1 + timedelta(days=400))
    assert started(definition) == [str(customer.id)]
    assert (later.matched, later.already, later.entered) == (1, 1, 0)


def test_every_n_days_enters_again_once_the_window_has_passed(make_audience):
    customer = CustomerFactory()
    definition = make_audience(entry="every_n_days", entry_days=30)
    evaluate(definition)
    WorkflowInstance.objects.update(status=InstanceStatus.COMPLETED)
    assert evaluate(definition, DAY_1 + timedelta(days=29)).entered == 0
    assert evaluate(definition, DAY_1 + timedelta(days=30)).entered == 1
    assert started(definition) == [str(customer.id)] * 2


def test_a_live_instance_keeps_its_entity_out_whatever_the_window(make_audience):
    CustomerFactory()
    definition = make_audience(entry="every_n_days", entry_days=1)
    evaluate(definition)
    assert evaluate(definition, DAY_1 + timedelta(days=5)).entered == 0


def test_exclusions_keep_matching_records_out_and_are_counted(make_audience):
    kept = CustomerFactory(do_not_mail=True)
    busy = CustomerFactory()
    JobFactory(customer_id=busy.id, job_status="Scheduled", completed_on=None)
    welcome = CustomerFactory()
    definition = make_audience(exclude={"any": [
        {"field": "do_not_mail", "op": "==", "value": True},
        {"has": "job", "where": {"field": "job_status", "op": "not_in",
                                 "value": ["Completed", "Canceled"]}}]})
    run = evaluate(definition)
    assert started(definition) == [str(welcome.id)]
    assert (run.matched, run.excluded, run.entered) == (3, 2, 1)
    assert kept.id != welcome.id


def test_the_daily_cap_defers_the_rest_to_the_next_days(make_audience):
    ids = sorted(CustomerFactory().id for _ in range(5))
    definition = make_audience(daily_cap=2)
    first = evaluate(definition)
    assert (first.entered, first.capped) == (2, 3)
    assert started(definition) == [str(i) for i in ids[:2]]
    second = evaluate(definition, DAY_1 + timedelta(days=1))
    third = evaluate(definition, DAY_1 + timedelta(days=2))
    assert (second.entered, second.capped, third.entered, third.capped) == (2, 1, 1, 0)
    assert started(definition) == sorted(str(i) for i in ids)


def test_an_entity_leaving_the_audience_ends_its_instance_when_so_configured(make_audience):
    customer = CustomerFactory()
    definition = make_audience(end_when_leaving=True)
    evaluate(definition)
    JobFactory(customer_id=customer.id, completed_on=DAY_1 + timedelta(hours=2))
    run = evaluate(definition, DAY_1 + timedelta(days=1))
    instance = WorkflowInstance.objects.get(definition=definition)
    assert (run.ended, instance.status) == (1, InstanceStatus.CANCELLED)
    assert instance.status_detail == "left the audience (evaluation of 2026-05-11)"
    assert WorkflowAuditLog.objects.filter(instance=instance, action="cancelled").exists()


def test_an_entity_leaving_keeps_its_instance_unless_configured(make_audience):
    customer = CustomerFactory()
    definition = make_audience()
    evaluate(definition)
    JobFactory(customer_id=customer.id, completed_on=DAY_1 + timedelta(hours=2))
    assert evaluate(definition, DAY_1 + timedelta(days=1)).ended == 0
    assert WorkflowInstance.objects.get(definition=definition).status == InstanceStatus.PENDING


def test_an_audience_is_evaluated_once_a_day(make_audience):
    CustomerFactory()
    definition = make_audience()
    assert evaluate(definition) is not None
    CustomerFactory()
    assert evaluate(definition, DAY_1 + timedelta(hours=3)) is None
    assert AudienceRun.objects.filter(definition=definition).count() == 1


def test_re_running_a_days_starts_starts_nothing_twice(make_audience):
    customer = CustomerFactory()
    definition = make_audience(entry="every_n_days", entry_days=1)
    found = members(audience_of(definition.current_version), DAY_1)
    WorkflowInstance.objects.create(
        definition=definition, version=definition.current_version, entity_type="customer",
        entity_id=str(customer.id), status=InstanceStatus.COMPLETED, audience_day=DAY_1.date(),
        exclusive=True)
    assert start_newcomers(version=definition.current_version, entity_type="customer",
                           newcomers=found.q, day=DAY_1.date(), now=DAY_1, limit=None,
                           detail="again") == 0
    assert WorkflowInstance.objects.filter(definition=definition).count() == 1


def test_the_database_refuses_a_second_start_for_the_same_evaluation_day(make_audience):
    customer = CustomerFactory()
    definition = make_audience()
    fields = {"definition": definition, "version": definition.current_version,
              "entity_type": "customer", "entity_id": str(customer.id),
              "status": InstanceStatus.COMPLETED, "audience_day": DAY_1.date()}
    WorkflowInstance.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkflowInstance.objects.create(**fields)


def test_an_inactive_definition_is_not_evaluated(make_audience):
    CustomerFactory()
    definition = make_audience()
    definition_save(data={"name": definition.name, "trigger_kind": "audience",
                          "audience": definition.audience, "steps": definition.steps,
                          "active": False}, actor="test", definition=definition)
    assert evaluate(definition) is None


def test_evaluation_uses_the_clock_when_not_given_a_time(make_audience):
    CustomerFactory()
    definition = make_audience()
    with time_machine.travel(local(2026, 7, 4, 9, 0), tick=False):
        run = evaluate_audience(definition_id=definition.pk)
    assert run.day.isoformat() == "2026-07-04"


@pytest.mark.django_db(transaction=True)
def test_a_worker_skips_an_audience_another_worker_is_evaluating(make_audience):
    CustomerFactory()
    definition = make_audience()
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            WorkflowDefinition.objects.select_for_update().get(pk=definition.pk)
            locked.set()
            release.wait(30)
        connection.close()

    holder = threading.Thread(target=other_worker)
    holder.start()
    try:
        assert locked.wait(30)
        assert evaluate(definition) is None
    finally:
        release.set()
        holder.join(30)
    assert evaluate(definition).entered == 1
