import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sandbox.http import Response, json_response, text_response
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


@pytest.mark.parametrize("retry_after", ["600", "Mon, 02 Mar 2026 15:10:00 GMT"])
def test_a_429_is_retried_no_sooner_than_its_retry_after_says(make_definition, drain,
                                                               receiver, retry_after):
    receiver.statuses = [json_response({"error": "slow down"}, status=429,
                                       headers={"Retry-After": retry_after})]
    with time_machine.travel(START, tick=False):
        _, instance = run_hook(make_definition, drain, receiver)
    assert instance.status == InstanceStatus.PENDING
    assert instance.next_run_at == START + timedelta(minutes=10)  # the step's backoff: 1m


def test_a_retry_after_of_days_is_honoured_for_one_day_at_most(make_definition, drain,
                                                               receiver):
    receiver.statuses = [json_response({}, status=503, headers={"Retry-After": "604800"})]
    with time_machine.travel(START, tick=False):
        _, instance = run_hook(make_definition, drain, receiver)
    assert instance.next_run_at == START + timedelta(days=1)


def test_a_4xx_fails_the_instance_without_retrying(make_definition, drain, receiver):
    receiver.statuses = [422]
    _, instance = run_hook(make_definition, drain, receiver)
    assert instance.status == InstanceStatus.FAILED
    assert "answered 422" in instance.last_error and len(receiver.requests) == 1


def test_a_refused_connection_is_transient(make_definition, drain, loopback_allowed):
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


def run_step(make_definition, drain, **step):
    make_definition(steps=[{"id": "hook", "type": "http_request", "max_attempts": 1, **step}])
    emit(EstimateFactory(), "estimate.created")
    drain()
    return WorkflowInstance.objects.get()


def test_a_step_aimed_at_a_loopback_listener_never_reaches_it(make_definition, drain,
                                                               receiver_server):
    receiver_server.requests.clear()
    instance = run_step(make_definition, drain, url=receiver_server.url + "/internal")
    assert receiver_server.requests == []
    assert instance.status == InstanceStatus.FAILED
    assert "refused, 127.0.0.1 resolves to a loopback address" in instance.last_error


@pytest.mark.parametrize(("url", "kind"), [
    ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
    ("http://10.1.2.3/hook", "a private address"),
    ("http://192.168.0.10:8080/hook", "a private address"),
    ("http://[fd00::1]/hook", "a private address"),
    ("http://[::1]:8000/hook", "a loopback address"),
    ("http://[::ffff:127.0.0.1]:8000/hook", "a loopback address"),
    ("http://localhost:8000/hook", "a loopback address"),
    ("http://0.0.0.0:8000/hook", "address"),
    ("http://100.64.0.1/hook", "address"),
])
def test_a_host_that_is_not_public_is_refused_before_connecting(make_definition, drain, url,
                                                                kind):
    instance = run_step(make_definition, drain, url=url)
    assert instance.status == InstanceStatus.FAILED
    assert "refused" in instance.last_error and kind in instance.last_error
    assert "WORKFLOW_HTTP_ALLOWED_NETWORKS" in instance.last_error


def test_a_network_allowed_by_the_setting_is_reached(make_definition, drain, receiver,
                                                     settings):
    settings.WORKFLOW_HTTP_ALLOWED_NETWORKS = ["127.0.0.0/8", "10.0.0.0/8"]
    instance = run_step(make_definition, drain, url=receiver.url + "/ok")
    assert instance.status == InstanceStatus.COMPLETED and len(receiver.requests) == 1


def test_a_redirect_to_a_refused_address_is_not_followed(make_definition, drain, receiver):
    receiver.statuses = [Response(302, b"", {"Location": f"http://127.0.0.2:{receiver.port}/"})]
    instance = run_step(make_definition, drain, url=receiver.url + "/moved")
    assert instance.status == InstanceStatus.FAILED
    assert "127.0.0.2 resolves to a loopback address" in instance.last_error
    assert len(receiver.requests) == 1


def test_a_redirect_within_allowed_networks_is_followed_and_checked(make_definition, drain,
                                                                    receiver):
    receiver.statuses = [Response(307, b"", {"Location": receiver.url + "/there"})]
    instance = run_step(make_definition, drain, url=receiver.url + "/here")
    assert instance.status == InstanceStatus.COMPLETED
    assert [r.path for r in receiver.requests] == ["/here", "/there"]


def test_an_answer_larger_than_1_mb_is_refused(make_definition, drain, receiver):
    receiver.statuses = [text_response("x" * 1_100_000)]
    instance = run_step(make_definition, drain, url=receiver.url + "/big")
    assert instance.status == InstanceStatus.FAILED
    assert "the answer is larger than 1 MB" in instance.last_error


def test_the_timeout_bounds_the_whole_answer_not_each_read(make_definition, drain,
                                                          dripping_server, loopback_allowed):
    instance = run_step(make_definition, drain, url=dripping_server + "/slow", timeout=1)
    assert instance.status == InstanceStatus.FAILED
    assert "no complete answer within 1s" in instance.last_error


SECRETS = ("s3cret-bearer", "k3y-value", "c00kie-value", "pa55word", "t0ken-value")


def test_credentials_are_sent_but_never_stored_where_viewers_read(make_definition, drain,
                                                                  receiver):
    echo = json_response({"echo": {"Authorization": "Bearer s3cret-bearer",
                                   "nested": [{"api_key": "k3y-value"}]}, "id": 7})
    receiver.statuses = [echo]
    url = receiver.url.replace("http://", "http://user:pa55word@") + "/h?token=t0ken-value&x=1"
    instance = run_step(make_definition, drain, url=url, headers={
        "Authorization": "Bearer s3cret-bearer", "X-Api-Key": "k3y-value",
        "Cookie": "sid=c00kie-value", "X-Customer": "{{ customer.name }}"})
    sent = receiver.requests[0]
    assert sent.headers["authorization"].startswith("Basic ")  # the URL's user wins
    assert sent.headers["x-api-key"] == "k3y-value" and sent.arg("token") == "t0ken-value"
    run = WorkflowStepRun.objects.get()
    stored = json.dumps([run.input, run.output, run.error, instance.context,
                         instance.last_error])
    assert not [s for s in SECRETS if s in stored]
    assert run.input["headers"]["X-Customer"] == "{{ customer.name }}"
    assert instance.context["steps"]["hook"]["response"]["id"] == 7


def test_a_redirect_to_another_origin_does_not_carry_credential_headers(make_definition, drain,
                                                                       receiver, settings):
    settings.WORKFLOW_HTTP_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
    other_origin = receiver.url.replace("127.0.0.1", "localhost")
    receiver.statuses = [Response(307, b"", {"Location": other_origin + "/elsewhere"})]
    run_step(make_definition, drain, url=receiver.url + "/start",
             headers={"X-Api-Key": "k3y-value", "X-Source": "perfectcatch"})
    first, second = receiver.requests
    assert first.headers["x-api-key"] == "k3y-value"
    assert "x-api-key" not in second.headers and second.headers["x-source"] == "perfectcatch"


# --- credentials named, not written: {{ secrets.NAME }} in headers --------------------------
@pytest.fixture
def secrets_dir(tmp_path, settings):
    settings.WORKFLOW_HTTP_SECRETS_DIR = str(tmp_path)
    (tmp_path / "crm_token").write_text("sk_live_4242\n")
    return tmp_path


def test_a_header_naming_a_secret_sends_the_file_s_value(make_definition, drain, receiver,
                                                         secrets_dir):
    headers = {"Authorization": "Bearer {{ secrets.crm_token }}", "X-Source": "perfectcatch"}
    _, instance = run_hook(make_definition, drain, receiver, headers=headers)
    assert instance.status == InstanceStatus.COMPLETED
    assert receiver.requests[0].headers["authorization"] == "Bearer sk_live_4242"
    assert "sk_live_4242" not in json.dumps(WorkflowStepRun.objects.get().input)


def test_a_rotated_secret_is_used_from_the_next_request_on(make_definition, drain, receiver,
                                                          secrets_dir):
    headers = {"X-Api-Key": "{{ secrets.crm_token }}"}
    run_hook(make_definition, drain, receiver, headers=headers)
    (secrets_dir / "crm_token").write_text("sk_live_rotated")
    emit(EstimateFactory(), "estimate.created")
    drain()
    assert [r.headers["x-api-key"] for r in receiver.requests] == ["sk_live_4242",
                                                                   "sk_live_rotated"]


@pytest.mark.parametrize(("directory", "reason"), [
    (None, "secret 'missing' is not in WORKFLOW_HTTP_SECRETS_DIR"),
    ("", "no WORKFLOW_HTTP_SECRETS_DIR is configured"),
])
def test_a_secret_that_cannot_be_read_fails_the_step_without_sending(
        make_definition, drain, receiver, secrets_dir, settings, directory, reason):
    if directory is not None:
        settings.WORKFLOW_HTTP_SECRETS_DIR = directory
    _, instance = run_hook(make_definition, drain, receiver,
                           headers={"Authorization": "Bearer {{ secrets.missing }}"})
    assert instance.status == InstanceStatus.FAILED and reason in instance.last_error
    assert receiver.requests == []


@pytest.mark.parametrize("step", [
    {"url": "https://crm.example.com/x?key={{ secrets.crm_token }}"},
    {"url": "https://crm.example.com/x", "body": {"key": "{{ secrets.crm_token }}"}},
])
def test_only_headers_may_name_secrets(make_definition, step):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="secrets can be named in headers only"):
        make_definition(steps=[{"id": "hook", "type": "http_request", **step}])


def test_the_plain_word_secrets_in_a_body_is_just_text(make_definition):
    make_definition(steps=[{"id": "hook", "type": "http_request", "url": "https://x.example/h",
                            "body": {"note": "our secrets to a dry basement"}}])
