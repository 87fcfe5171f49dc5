from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.workflows.factories import EstimateFactory, emit
from workflows.models import InstanceStatus, WorkflowInstance, WorkflowStepRun

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def webhook(receiver, **extra):
    return [{"id": "hook", "type": "http_request", "url": receiver.url + "/est/{{ entity.id }}",
             "headers": {"X-Customer": "{{ customer.name }}"},
             "body": {"estimate": "{{ entity.id }}", "total": "{{ entity.total }}",
                      "tags": ["{{ entity.status }}"]}, "max_attempts": 3, "backoff": "1m",
             **extra}]


def run_hook(make_definition, drain, receiver, **extra):
    make_definition(steps=webhook(receiver, **extra))
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    drain()
    return estimate, WorkflowInstance.objects.get()


def test_it_posts_the_templated_json_body_to_the_templated_url(make_definition, drain,
                                                               receiver):
    estimate, _ = run_hook(make_definition, drain, receiver)
    request = receiver.requests[0]
    assert (request.method, request.path) == ("POST", f"/est/{estimate.id}")
    assert request.json() == {"estimate": str(estimate.id), "total": "1250.00",
                              "tags": ["Open"]}
    assert request.headers["x-customer"] == "Dana Whitfield"


def test_it_sends_the_step_idempotency_key_as_a_header(make_definition, drain, receiver):
    _, instance = run_hook(make_definition, drain, receiver)
    assert receiver.requests[0].headers["idempotency-key"] == f"wf-{instance.pk}-hook"


def test_the_response_is_kept_in_the_context_for_later_steps(make_definition, drain, receiver):
    _, instance = run_hook(make_definition, drain, receiver)
    assert instance.context["steps"]["hook"] == {"status": 200,
                                                 "response": {"ok": True, "seen": 1}}


def test_a_5xx_is_retried_with_the_same_idempotency_key(make_definition, drain, receiver):
    receiver.statuses = [503]
    with time_machine.travel(START, tick=False) as clock:
        _, instance = run_hook(make_definition, drain, receiver)
        assert instance.status == InstanceStatus.PENDING
        clock.shift(timedelta(minutes=1))
        drain()
    keys = {r.headers["idempotency-key"] for r in receiver.requests}
    assert len(receiver.requests) == 2 and len(keys) == 1
    assert WorkflowInstance.objects.get().status == InstanceStatus.COMPLETED


def test_a_4xx_fails_the_instance_without_retrying(make_definition, drain, receiver):
    receiver.statuses = [422]
    _, instance = run_hook(make_definition, drain, receiver)
    assert instance.status == InstanceStatus.FAILED
    assert "answered 422" in instance.last_error and len(receiver.requests) == 1


def test_a_refused_connection_is_transient(make_definition, drain, receiver):
    make_definition(steps=[{"id": "hook", "type": "http_request",
                            "url": "http://127.0.0.1:9/nothing-listens-here"}])
    emit(EstimateFactory(), "estimate.created")
    drain()
    run = WorkflowStepRun.objects.get()
    assert run.status == "retrying" and "ConnectionError" in run.error


def test_a_url_that_renders_to_something_else_than_http_fails_permanently(make_definition,
                                                                          drain):
    make_definition(steps=[{"id": "hook", "type": "http_request", "url": "{{ vars.url }}"}])
    emit(EstimateFactory(), "estimate.created")
    drain()
    assert "not an http(s) URL" in WorkflowInstance.objects.get().last_error
