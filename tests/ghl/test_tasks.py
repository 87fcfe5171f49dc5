"""The django-q2 tasks of the GHL app."""

from datetime import timedelta

import psycopg
import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from config.locks import advisory_key
from config.schedules import declared_schedules
from ghl.models import GHLContact, GHLOpportunity, SyncLog
from ghl.services.sync import SYNC_LOCKS
from ghl.services.webhooks import receive
from ghl.tasks import retry_webhook_deliveries, sync_all, sync_feed
from sandbox.ghl.webhooks import signature_headers
from tests.ghl.conftest import webhook_body
from tests.queued import queued, run_queued

pytestmark = pytest.mark.django_db


def test_the_scheduled_task_queues_one_task_per_feed(ghl):
    assert sync_all() == {"pipelines": "queued", "users": "queued", "contacts": "queued",
                          "opportunities": "queued"}
    assert [(item.func(), item.args()[0]) for item in queued()] == [
        ("ghl.tasks.sync_feed", name) for name in ("pipelines", "users", "contacts",
                                                   "opportunities")]


def test_the_queued_feeds_sync_everything_under_one_run_id(ghl):
    sync_all()
    assert run_queued() == {"GHL sync pipelines": "success", "GHL sync users": "success",
                            "GHL sync contacts": "success", "GHL sync opportunities": "success"}
    assert SyncLog.objects.values("run_id").distinct().count() == 1
    assert GHLContact.objects.exists() and GHLOpportunity.objects.exists()


def test_a_feed_being_synced_elsewhere_is_not_queued(ghl):
    with named_lock_elsewhere("opportunities"):
        statuses = sync_all()
    assert statuses["opportunities"] == "busy" and statuses["contacts"] == "queued"
    assert "opportunities" not in [item.args()[0] for item in queued()]


def test_a_feed_being_synced_elsewhere_is_skipped(ghl):
    with named_lock_elsewhere("contacts"):
        assert sync_feed("contacts") == "busy"
    assert not GHLContact.objects.exists()


def test_the_retry_task_is_scheduled_every_minute_and_applies_what_is_due():
    body = webhook_body("ContactCreate", {"id": "cTask000000000000001", "name": "Dana"})
    receive(body, signature_headers(body, "ed25519"))  # the process stopped before applying
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert retry_webhook_deliveries() == {"applied": 1}
    assert {(s.func, s.minutes) for s in declared_schedules()} >= {
        ("ghl.tasks.retry_webhook_deliveries", 1)}


def named_lock_elsewhere(resource: str) -> psycopg.Connection:
    """Another process's session holding ``resource``'s sync lock."""
    params = connection.get_connection_params()
    holder = psycopg.connect(**{k: params[k] for k in ("dbname", "user", "host", "port")
                                if params.get(k)}, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s, %s)", advisory_key(SYNC_LOCKS, resource))
    return holder
