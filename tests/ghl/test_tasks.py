"""The django-q2 tasks of the GHL app."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from config.schedules import declared_schedules
from ghl.services.webhooks import receive
from ghl.tasks import retry_webhook_deliveries, sync_all
from sandbox.ghl.webhooks import signature_headers
from tests.ghl.conftest import webhook_body

pytestmark = pytest.mark.django_db


def test_the_scheduled_task_syncs_everything(ghl):
    assert sync_all() == {"pipelines": "success", "users": "success", "contacts": "success",
                          "opportunities": "success"}


def test_the_retry_task_is_scheduled_every_minute_and_applies_what_is_due():
    body = webhook_body("ContactCreate", {"id": "cTask000000000000001", "name": "Dana"})
    receive(body, signature_headers(body, "ed25519"))  # the process stopped before applying
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert retry_webhook_deliveries() == {"applied": 1}
    assert {(s.func, s.minutes) for s in declared_schedules()} >= {
        ("ghl.tasks.retry_webhook_deliveries", 1)}
