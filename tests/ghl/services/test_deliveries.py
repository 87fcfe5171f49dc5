"""Accepted GHL webhook deliveries are applied until done or given up: left pending by a
crash or failed by a transient error, the retry task applies them again, with backoff and a
limit, never two processes at once (real threads, real PostgreSQL row locks)."""

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from ghl.models import GHLContact, WebhookDelivery
from ghl.services.deliveries import apply_delivery, retry_due
from ghl.services.webhooks import receive
from sandbox.ghl.webhooks import signature_headers
from tests.ghl.conftest import post_webhook, webhook_body
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db
# Another connection holds a lock: it must see committed rows.
committed = pytest.mark.django_db(transaction=True)
CONTACT = {"id": "cRetry00000000000001", "name": "Dana Whitfield", "phone": "+14075550142"}


@pytest.fixture(autouse=True)
def short_lock_waits(settings):
    settings.GHL_WEBHOOK_LOCK_TIMEOUT_MS = 50


def minutes_from_now(minutes: float):
    return timezone.now() + timedelta(minutes=minutes)


@contextmanager
def held(queryset):
    """``queryset``'s rows locked by another connection (a sync writing that page, another
    worker applying that delivery) until the block ends."""
    locked, release, errors = threading.Event(), threading.Event(), []

    def hold() -> None:
        try:
            with transaction.atomic():
                list(queryset.select_for_update())
                locked.set()
                release.wait()
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            locked.set()
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait()
    assert errors == []
    try:
        yield
    finally:
        release.set()
        thread.join()


def stored(event_type: str = "ContactUpdate", **changes) -> WebhookDelivery:
    """A delivery received and stored, but not applied: the process stopped right after."""
    body = webhook_body(event_type, {**CONTACT, **changes})
    return receive(body, signature_headers(body, "ed25519"))


def test_a_delivery_a_crash_left_pending_is_applied_by_the_retry_task():
    delivery = stored()
    assert retry_due() == {}  # the request it came in has a minute to apply it first
    assert retry_due(minutes_from_now(2)) == {"applied": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("applied", 1, None)
    assert GHLContact.objects.get().name == "Dana Whitfield"


@committed
def test_a_transient_error_is_retried_after_a_backoff_and_then_applies(client):
    post_webhook(client, webhook_body("ContactCreate", CONTACT))
    with held(GHLContact.objects.all()):
        response = post_webhook(client, webhook_body("ContactUpdate", {**CONTACT,
                                                                       "name": "Dana W."}))
        assert retry_due(minutes_from_now(0.5)) == {}  # not before its backoff ends
    delivery = WebhookDelivery.objects.get(event_type="ContactUpdate")
    assert response.status_code == 200 and response.json()["status"] == "failed"
    assert "lock" in delivery.error and delivery.attempts == 1
    assert delivery.next_attempt_at > delivery.processed_at
    assert retry_due(minutes_from_now(2)) == {"applied": 1}
    assert GHLContact.objects.get().name == "Dana W."


@committed
def test_it_gives_up_on_the_last_attempt_with_the_error_for_staff(client, settings):
    settings.GHL_WEBHOOK_MAX_ATTEMPTS = 3
    post_webhook(client, webhook_body("ContactCreate", CONTACT))
    with held(GHLContact.objects.all()):
        post_webhook(client, webhook_body("ContactUpdate", {**CONTACT, "name": "Dana W."}))
        outcomes = [retry_due(minutes_from_now(minutes)) for minutes in (2, 5, 10)]
    assert outcomes == [{"failed": 1}, {"gave_up": 1}, {}]
    delivery = WebhookDelivery.objects.get(event_type="ContactUpdate")
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("gave_up", 3, None)
    assert delivery.error.startswith("attempt 3:") and "lock" in delivery.error
    assert GHLContact.objects.get().name == "Dana Whitfield"


def test_a_delivery_whose_attempts_all_died_midway_is_given_up(settings):
    settings.GHL_WEBHOOK_MAX_ATTEMPTS = 2
    delivery = stored()
    # As a process killed while applying leaves it: its claims counted, nothing recorded.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=2,
                                                          next_attempt_at=timezone.now())
    assert retry_due(minutes_from_now(1)) == {"gave_up": 1}
    delivery.refresh_from_db()
    assert delivery.status == "gave_up" and "none of 2 attempts finished" in delivery.error
    assert not GHLContact.objects.exists()


@committed
def test_a_delivery_being_applied_elsewhere_is_left_alone():
    delivery = stored()
    with held(WebhookDelivery.objects.filter(pk=delivery.pk)):
        assert retry_due(minutes_from_now(2)) == {}
        assert apply_delivery(delivery, again=True).status == "pending"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)


@committed
def test_workers_retrying_at_once_apply_a_delivery_once():
    delivery = stored("ContactCreate")
    workers, at = 4, minutes_from_now(2)
    start, outcomes, errors = threading.Barrier(workers), [], []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(retry_due(at))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(outcomes, key=len) == [{}] * (workers - 1) + [{"applied": 1}]
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert WorkflowEvent.objects.filter(event_type="ghl.contact.updated").count() == 1


def test_staff_applying_a_given_up_delivery_again_start_its_attempts_afresh(settings):
    settings.GHL_WEBHOOK_MAX_ATTEMPTS = 1
    delivery = stored()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="gave_up", attempts=1,
                                                          next_attempt_at=None)
    again = apply_delivery(delivery, again=True)
    assert (again.status, again.attempts) == ("applied", 1)
