"""Estimates reach GHL by themselves (``ghl.services.auto_push``), against the GHL sandbox:
new ones pushed, changed ones pushed again (one opportunity each), unchanged ones left alone,
a backlog worked through a batch at a time, and the setting turning it off."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ghl.models import EstimateOpportunity
from ghl.services import auto_push
from servicetitan import models as st
from tests.ghl.conftest import (
    CustomerContactFactory,
    CustomerFactory,
    EstimateFactory,
    sandbox_opportunities,
)

pytestmark = pytest.mark.django_db


def estimates(n: int) -> list[st.Estimate]:
    made = []
    for _ in range(n):
        customer = CustomerFactory()
        CustomerContactFactory(customer_id=customer.id)
        made.append(EstimateFactory(customer_id=customer.id))
    return made


def test_a_new_estimate_is_pushed_without_a_command(synced, ghl, estimate):
    outcome = auto_push.push_changed()
    assert outcome.pushed == [estimate.id]
    assert len(sandbox_opportunities(ghl, estimate.id)) == 1
    assert EstimateOpportunity.objects.get().state == "linked"


def test_an_unchanged_estimate_is_not_pushed_again(synced, ghl, estimate):
    auto_push.push_changed()
    assert auto_push.push_changed().pushed == []


def test_a_changed_estimate_updates_its_opportunity(synced, ghl, estimate):
    auto_push.push_changed()
    st.Estimate.objects.filter(pk=estimate.pk).update(
        total=Decimal("12000.00"), synced_at=timezone.now() + timedelta(seconds=1))
    assert auto_push.push_changed().pushed == [estimate.id]
    [opportunity] = sandbox_opportunities(ghl, estimate.id)
    assert opportunity["monetaryValue"] == 12000.0


def test_the_backfill_goes_a_batch_at_a_time_and_resumes(synced, ghl, settings):
    settings.GHL_AUTO_PUSH_PER_RUN = 2
    made = estimates(5)
    assert len(auto_push.push_changed().pushed) == 2
    assert len(auto_push.push_changed().pushed) == 2
    assert len(auto_push.push_changed().pushed) == 1
    assert auto_push.push_changed().pushed == []
    assert all(len(sandbox_opportunities(ghl, e.id)) == 1 for e in made)


def test_a_failed_push_waits_before_it_is_tried_again(synced, ghl, sandbox, estimate):
    sandbox.app.faults.add(vendor="ghl", path_contains="/contacts/upsert", status=503,
                           times=None)
    assert auto_push.push_changed().failed == [estimate.id]
    sandbox.app.faults.clear()
    assert auto_push.push_changed().pushed == []
    later = timezone.now() + auto_push.RETRY_AFTER + timedelta(minutes=1)
    assert auto_push.push_changed(now=later).pushed == [estimate.id]


def test_the_setting_turns_it_off(synced, ghl, estimate, settings):
    settings.GHL_AUTO_PUSH_ESTIMATES = False
    assert auto_push.push_changed().pushed == []
    assert sandbox_opportunities(ghl, estimate.id) == []
