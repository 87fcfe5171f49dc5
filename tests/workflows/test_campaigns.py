"""The prebuilt campaigns (data migration 0008): installed inactive, valid, each audience
selecting what its name says, and one run end to end through the real texting step."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from messaging.models import SmsMessage
from tests.workflows.audiences.conftest import local, utc
from tests.workflows.factories import (
    ContactFactory,
    CustomerFactory,
    EstimateFactory,
    InstalledEquipmentFactory,
    JobFactory,
    MembershipFactory,
)
from workflows.audiences.evaluation import audience_of, evaluate_audience, members
from workflows.engine import Worker
from workflows.models import InstanceStatus, WorkflowDefinition
from workflows.services import definition_set_active
from workflows.validation import validate_definition

pytestmark = pytest.mark.django_db
migration = importlib.import_module("workflows.migrations.0008_prebuilt_campaigns")
NOW = local(2026, 5, 11, 9, 0)     # a Monday


@pytest.fixture(autouse=True)
def new_york(settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"


def in_audience(name: str, now: datetime = NOW) -> set[int]:
    found = members(audience_of(WorkflowDefinition.objects.get(name=name).current_version), now)
    return set(found.model.objects.filter(found.q).values_list("pk", flat=True))


def test_the_four_campaigns_are_installed_inactive_as_audience_triggers():
    installed = WorkflowDefinition.objects.filter(name__startswith="Campaign: ")
    assert sorted(installed.values_list("trigger_kind", "active", "version")) == [
        ("audience", False, 1)] * 4


@pytest.mark.parametrize("data", migration.definitions(), ids=lambda d: d["name"])
def test_each_campaign_passes_validation_as_installed(data):
    assert validate_definition(data)["audience"] == data["audience"]


def test_membership_renewal_selects_active_memberships_ending_within_30_days():
    ending = MembershipFactory(to_date=utc(2026, 6, 1))
    MembershipFactory(to_date=utc(2026, 7, 1))
    MembershipFactory(to_date=utc(2026, 6, 1), status="Canceled")
    opted = CustomerFactory(do_not_mail=True)
    MembershipFactory(to_date=utc(2026, 6, 1), customer_id=opted.id)
    assert in_audience("Campaign: membership renewal") == {ending.id}


def test_equipment_replacement_selects_old_units_of_the_listed_types_without_an_open_job():
    old = InstalledEquipmentFactory(installed_on=utc(2014, 3, 1), type="Furnace")
    InstalledEquipmentFactory(installed_on=utc(2014, 3, 1), type="Thermostat")
    InstalledEquipmentFactory(installed_on=utc(2019, 3, 1), type="Furnace")
    busy = InstalledEquipmentFactory(installed_on=utc(2014, 3, 1), type="Heat Pump")
    JobFactory(customer_id=busy.customer_id, job_status="Scheduled")
    assert in_audience("Campaign: equipment replacement") == {old.id}


def test_lapsed_customers_had_work_done_but_none_in_the_last_12_months():
    lapsed = CustomerFactory()
    JobFactory(customer_id=lapsed.id, completed_on=local(2025, 4, 1, 10, 0))
    recent = CustomerFactory()
    JobFactory(customer_id=recent.id, completed_on=local(2025, 12, 1, 10, 0))
    CustomerFactory()   # never had a job: not a lapsed customer
    assert in_audience("Campaign: lapsed customers") == {lapsed.id}


def test_an_unsold_estimate_enters_three_days_after_it_was_made():
    made = EstimateFactory(created_on=local(2026, 5, 8, 8, 0))
    EstimateFactory(created_on=local(2026, 5, 8, 10, 0))      # three days at 10:00
    EstimateFactory(created_on=local(2026, 5, 8, 8, 0), status="Sold")
    EstimateFactory(created_on=local(2026, 3, 1, 8, 0))       # older than 30 days
    assert in_audience("Campaign: unsold estimate at 3, 7 and 14 days") == {made.id}


def test_the_unsold_estimate_campaign_texts_at_3_and_7_days_and_stops_when_sold(sandbox,
                                                                               settings):
    settings.MESSAGING = {"sends_per_second": 1000.0, "marketing_per_week": 3}
    definition = WorkflowDefinition.objects.get(
        name="Campaign: unsold estimate at 3, 7 and 14 days")
    definition_set_active(definition=definition, active=True, actor="test")
    customer = CustomerFactory(name="Dana Whitfield")
    ContactFactory(customer_id=customer.id, value="+14155550123", phone_e164="+14155550123")
    estimate = EstimateFactory(customer_id=customer.id, total=Decimal("1250.00"),
                               created_on=local(2026, 5, 8, 8, 0))
    day_3 = local(2026, 5, 11, 11, 0)
    evaluate_audience(definition_id=definition.pk, now=day_3)
    _drain_at(day_3)
    assert list(SmsMessage.objects.values_list("body", flat=True)) == [
        "Hi Dana, your PerfectCatch estimate for $1250.00 is ready whenever you are. "
        "Questions? Just reply to this text."]
    day_7 = day_3 + timedelta(days=4)
    _drain_at(day_7)
    assert SmsMessage.objects.count() == 2
    type(estimate).objects.filter(pk=estimate.pk).update(status="Sold")
    evaluate_audience(definition_id=definition.pk, now=day_7 + timedelta(days=1))
    instance = definition.instances.get()
    assert (instance.status, instance.status_detail) == (
        InstanceStatus.CANCELLED, "left the audience (evaluation of 2026-05-16)")
    _drain_at(day_7 + timedelta(days=8))
    assert SmsMessage.objects.count() == 2


def _drain_at(moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        Worker(name="test", poll_interval=0.1).drain()
