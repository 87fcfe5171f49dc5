"""The data migration's two standard definitions."""

import importlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from messaging.models import SmsMessage
from servicetitan.models import CustomerContact
from tests.workflows.factories import CustomerFactory, EstimateFactory, emit
from workflows.engine import Worker
from workflows.models import WorkflowDefinition, WorkflowInstance
from workflows.services import definition_set_active
from workflows.validation import validate_definition

pytestmark = pytest.mark.django_db
migration = importlib.import_module("workflows.migrations.0003_default_definitions")


def test_the_two_standard_definitions_are_installed_inactive():
    installed = WorkflowDefinition.objects.filter(name__in=["Estimate follow-up",
                                                            "Job completed: review request"])
    assert sorted(installed.values_list("active", "version")) == [(False, 1), (False, 1)]


@pytest.mark.parametrize("data", migration.DEFAULTS, ids=lambda d: d["name"])
def test_each_standard_definition_passes_validation(data):
    validate_definition(data)


def test_the_follow_up_is_cancelled_by_a_sold_or_dismissed_estimate():
    follow_up = WorkflowDefinition.objects.get(name="Estimate follow-up")
    assert follow_up.cancel_on[0]["conditions"]["value"] == ["Sold", "Dismissed"]


# --- The installed definitions, switched on, run by the real engine ---------------------------


MONDAY_10_AM_NEW_YORK = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def follow_up_on(sandbox, settings):
    """The installed follow-up switched on, a customer with a mobile number, a salesperson."""
    settings.MESSAGING = {"sends_per_second": 1000.0}
    definition_set_active(definition=WorkflowDefinition.objects.get(name="Estimate follow-up"),
                          active=True, actor="test")
    customer = CustomerFactory(name="Dana Whitfield")
    CustomerContact.objects.create(id=990001, customer_id=customer.id, type="MobilePhone",
                                   value="+14155550123", phone_e164="+14155550123", raw={},
                                   synced_at=datetime.now(UTC))
    salesperson = get_user_model().objects.create_user("sam", email="sam@example.com")
    Group.objects.get(name="Sales").user_set.add(salesperson)
    return customer


def drain():
    Worker(name="defaults-test").drain()


def test_the_installed_follow_up_texts_twice_then_emails_sales(follow_up_on):
    with time_machine.travel(MONDAY_10_AM_NEW_YORK, tick=False) as clock:
        emit(EstimateFactory(customer_id=follow_up_on.id, total=Decimal("1200.00")),
             "estimate.created")
        drain()
        clock.shift(timedelta(days=2, minutes=1))
        drain()
        clock.shift(timedelta(days=5, minutes=1))
        drain()
    instance = WorkflowInstance.objects.get()
    texts = SmsMessage.objects.filter(direction="outbound").order_by("id")
    assert instance.status == "completed"
    assert [t.status for t in texts] == ["queued", "queued"]
    assert "$1200.00" in texts[0].body and texts[0].body.startswith("Hi Dana")
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]


def test_an_estimate_under_1000_starts_no_follow_up(follow_up_on):
    emit(EstimateFactory(customer_id=follow_up_on.id, total=Decimal("999.99")),
         "estimate.created")
    drain()
    assert not WorkflowInstance.objects.exists()


def test_an_estimate_that_grows_past_1000_later_starts_one_follow_up_once(follow_up_on):
    estimate = EstimateFactory(customer_id=follow_up_on.id, total=Decimal("800.00"))
    emit(estimate, "estimate.created")
    estimate.total = Decimal("1400.00")
    emit(estimate, "estimate.updated", changes={"total": ["800.00", "1400.00"]})
    emit(estimate, "estimate.updated", changes={"summary": ["", "two units"]})
    drain()
    assert WorkflowInstance.objects.count() == 1


def test_selling_the_estimate_cancels_its_follow_up(follow_up_on):
    estimate = EstimateFactory(customer_id=follow_up_on.id, total=Decimal("1500.00"))
    emit(estimate, "estimate.created")
    drain()
    estimate.status = "Sold"
    emit(estimate, "estimate.status_changed", old_status="Open", new_status="Sold")
    drain()
    assert WorkflowInstance.objects.get().status == "cancelled"
