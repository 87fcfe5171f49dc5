"""ghl 0002's backfills, run on rows written before it: refusals counted and cut to a sample,
unfinished deliveries handed to the retry task."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("ghl", "0002_contact_phone_e164")]
AFTER = [("ghl", "0003_webhook_retries_and_refusal_sample")]


@pytest.fixture(autouse=True)
def _back_to_the_latest():
    """Leave the database at the newest migrations for the tests that follow on it."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_refusals_are_counted_and_cut_to_the_newest_hundred_and_unfinished_ones_retried():
    old = migrate(BEFORE)
    Delivery = old.get_model("ghl", "WebhookDelivery")
    start = timezone.now() - timedelta(days=1)
    Delivery.objects.bulk_create(
        [Delivery(verdict="bad_signature", status="rejected", body=str(n)) for n in range(130)]
        + [Delivery(verdict="accepted", status=status, webhook_id=status)
           for status in ("pending", "failed", "applied")])
    for n, pk in enumerate(Delivery.objects.order_by("pk").values_list("pk", flat=True)):
        Delivery.objects.filter(pk=pk).update(received_at=start + timedelta(seconds=n))

    new = migrate(AFTER)
    Delivery, Refusals = new.get_model("ghl", "WebhookDelivery"), new.get_model(
        "ghl", "WebhookRefusals")
    assert Refusals.objects.get(verdict="bad_signature").count == 130
    kept = Delivery.objects.filter(verdict="bad_signature").values_list("body", flat=True)
    assert sorted(int(body) for body in kept) == list(range(30, 130))
    retried = Delivery.objects.exclude(next_attempt_at=None).values_list("status", flat=True)
    assert sorted(retried) == ["failed", "pending"]
