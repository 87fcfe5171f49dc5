"""/metrics after real work: a ServiceTitan sync from the sandbox, a workflow run by the
engine and a text sent through the Twilio sandbox."""

import re

import pytest

from messaging.services.preferences import opt_out
from messaging.services.send import send_sms
from messaging.services.status import parse_status, record_status
from servicetitan.sync import sync
from workflows.engine import Worker
from workflows.events import Event, record_event
from workflows.services.definitions import definition_save

pytestmark = pytest.mark.django_db(transaction=True)


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def sample(body: str, name: str, **labels: str) -> float:
    """The value of one sample, found by name and labels (in any order)."""
    for line in body.splitlines():
        match = re.match(rf"^{name}(?:\{{(.*)\}})? (\S+)$", line)
        if match and all(f'{k}="{v}"' in (match.group(1) or "") for k, v in labels.items()):
            return float(match.group(2))
    raise AssertionError(f"no sample {name} {labels}")


def callback(sid: str, status: str, error_code: str = "") -> None:
    """A status callback as the webhook view hands it on (the view is tested elsewhere)."""
    record_status(parse_status({"MessageSid": sid, "MessageStatus": status,
                                "ErrorCode": error_code}))


def test_a_sync_shows_up_per_resource(client, sandbox, settings):
    settings.ST_SYNC_WORKERS = 1
    sync(["customers"])
    body = scrape(client)
    assert sample(body, "perfectcatch_st_sync_records_total", resource="customers",
                  kind="created") == 100
    assert sample(body, "perfectcatch_st_sync_runs_total", resource="customers",
                  status="success") == 1
    assert sample(body, "perfectcatch_st_sync_last_success_timestamp_seconds",
                  resource="customers") > 0
    assert sample(body, "perfectcatch_st_sync_last_duration_seconds", resource="customers") >= 0


def test_a_workflow_run_shows_instances_steps_and_latency(client):
    definition_save(actor="test", data={
        "name": "Note it", "trigger_event": "customer.created", "active": True,
        "steps": [{"id": "remember", "type": "set", "values": {"seen": "yes"}}]})
    record_event(Event("customer.created", "customer", 42, payload={"id": 42}))
    Worker(name="metrics-test").drain()
    body = scrape(client)
    assert sample(body, "perfectcatch_workflow_instances", status="completed",
                  definition="Note it") == 1
    assert sample(body, "perfectcatch_workflow_step_runs_total", step_type="set",
                  status="succeeded") == 1
    assert sample(body, "perfectcatch_workflow_event_to_instance_seconds", quantile="0.5") >= 0


def test_texts_show_up_as_sent_delivered_failed_and_opted_out(client, sandbox, settings):
    settings.MESSAGING = {"sends_per_second": 1000.0}
    delivered = send_sms(to="+14155550123", body="On the way", purpose="transactional")
    failed = send_sms(to="+14155550124", body="On the way", purpose="transactional")
    callback(delivered.sid, "delivered")
    callback(failed.sid, "undelivered", "30006")
    opt_out(phone="+14155550199", source="staff", actor="test", reason="asked")
    body = scrape(client)
    assert sample(body, "perfectcatch_sms_total", stage="sent") == 2
    assert sample(body, "perfectcatch_sms_total", stage="delivered") == 1
    assert sample(body, "perfectcatch_sms_total", stage="failed") == 1
    assert sample(body, "perfectcatch_sms_opted_out_numbers") == 1
    assert sample(body, "perfectcatch_sms_preference_changes_total", action="opted_out",
                  source="staff") == 1
    assert 'perfectcatch_metrics_collector_up{app="messaging"} 1.0' in body


def test_the_queue_depth_counts_waiting_tasks(client):
    from django_q.tasks import async_task

    async_task("math.floor", 1.5)
    async_task("math.floor", 2.5)
    assert sample(scrape(client), "perfectcatch_queue_depth") == 2
