"""Staff see before they send: the preview (how many, the first 50 with the values that
qualified them) and the explanation of one record, in words."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.workflows.audiences.conftest import local, utc
from tests.workflows.factories import (
    CustomerFactory,
    InstalledEquipmentFactory,
    JobFactory,
    MembershipFactory,
)
from workflows.audiences.backtest import backtest_audience
from workflows.audiences.config import Audience
from workflows.audiences.evaluation import audience_of, evaluate_audience
from workflows.audiences.explain import explain_record, preview

pytestmark = pytest.mark.django_db
NOW = local(2026, 5, 10, 9, 0)
LAPSED = Audience.of({"entity": "customer", "rule": {"not": {"has": "job", "where": {"all": [
    {"field": "job_status", "op": "==", "value": "Completed"},
    {"field": "completed_on", "op": "within_last", "value": "12mo"}]}}}})
OLD_UNITS = Audience.of({
    "entity": "installed_equipment",
    "rule": {"all": [{"field": "installed_on", "op": "more_than_ago", "value": "10y"},
                     {"field": "type", "op": "in", "value": ["Furnace", "Heat Pump"]}]},
    "exclude": {"field": "customer.do_not_mail", "op": "==", "value": True}})


def test_explain_says_why_a_customer_with_a_recent_job_is_not_lapsed():
    customer = CustomerFactory()
    JobFactory(customer_id=customer.id, completed_on=local(2026, 3, 1, 14, 0))
    JobFactory(customer_id=customer.id, completed_on=local(2025, 1, 5, 14, 0))
    explained = explain_record(LAPSED, customer.id, now=NOW)
    assert not explained.in_audience
    assert explained.reason == ("not in the audience: last job 2026-03-01, less than 12 months "
                                "ago")


def test_explain_names_the_failing_relative_date_with_the_value():
    unit = InstalledEquipmentFactory(installed_on=utc(2019, 4, 2), type="Furnace")
    explained = explain_record(OLD_UNITS, unit.id, now=NOW)
    assert explained.reason == ("not in the audience: installed_on 2019-04-02, less than 10 "
                                "years ago")
    assert [(c.field, c.actual, c.passed) for c in explained.checks] == [
        ("installed_on", "2019-04-02", False), ("type", "Furnace", True)]


def test_explain_names_the_failing_comparison():
    unit = InstalledEquipmentFactory(installed_on=utc(2012, 4, 2), type="Thermostat")
    assert explain_record(OLD_UNITS, unit.id, now=NOW).reason == (
        "not in the audience: type is 'Thermostat', not in ['Furnace', 'Heat Pump']")


def test_explain_says_which_exclusion_holds():
    customer = CustomerFactory(do_not_mail=True)
    unit = InstalledEquipmentFactory(installed_on=utc(2012, 4, 2), type="Furnace",
                                     customer_id=customer.id)
    explained = explain_record(OLD_UNITS, unit.id, now=NOW)
    assert (explained.in_rule, explained.excluded) == (True, True)
    assert explained.reason == "excluded: customer.do_not_mail is True"


def test_explain_of_a_member_says_when_it_enters_or_entered(make_audience):
    customer = CustomerFactory()
    definition = make_audience(at="09:30")
    version = definition.current_version
    assert explain_record(audience_of(version), customer.id, now=NOW, version=version).reason \
        == "in the audience; enters at the next evaluation (09:30)"
    evaluate_audience(definition_id=definition.pk, now=NOW)
    assert explain_record(audience_of(version), customer.id, now=NOW,
                          version=version).reason.startswith("in the audience; instance #")
    definition.instances.update(status="completed")
    assert explain_record(audience_of(version), customer.id, now=NOW + timedelta(days=1),
                          version=version).reason.startswith(
        "in the audience; already entered on 2026-05-10 (instance #")


def test_explain_of_a_record_not_mirrored_says_so():
    assert explain_record(LAPSED, 424242, now=NOW).reason == "no customer 424242 in the mirror"


def test_the_preview_counts_and_lists_the_first_members_with_their_values():
    units = [InstalledEquipmentFactory(installed_on=utc(2010 + i, 1, 15), type="Furnace")
             for i in range(3)]
    InstalledEquipmentFactory(installed_on=utc(2020, 1, 15), type="Furnace")
    shielded = CustomerFactory(do_not_mail=True)
    InstalledEquipmentFactory(installed_on=utc(2011, 1, 15), type="Furnace",
                              customer_id=shielded.id)
    shown = preview(OLD_UNITS, now=NOW, size=2)
    assert (shown.count, shown.matched) == (3, 4)
    assert shown.columns == ["installed_on more_than_ago 10y",
                             "type in ['Furnace', 'Heat Pump']"]
    assert shown.sample == [{"id": units[0].id, "values": ["2010-01-15", "Furnace"]},
                            {"id": units[1].id, "values": ["2011-01-15", "Furnace"]}]


def test_the_preview_of_a_saved_definition_counts_who_would_enter(make_audience):
    CustomerFactory()
    CustomerFactory()
    definition = make_audience()
    evaluate_audience(definition_id=definition.pk, now=NOW)
    CustomerFactory()
    shown = preview(audience_of(definition.current_version), now=NOW,
                    version=definition.current_version)
    assert (shown.count, shown.newcomers) == (3, 1)


def test_the_backtest_plays_the_entry_policy_and_cap_over_past_days():
    renewing = Audience.of({"entity": "membership", "rule": {
        "field": "to_date", "op": "within_next", "value": "30d"}, "daily_cap": 1})
    first = MembershipFactory(to_date=utc(2026, 5, 20))    # in since 20 April
    second = MembershipFactory(to_date=utc(2026, 6, 7))    # in since 8 May
    MembershipFactory(to_date=utc(2026, 7, 1))             # not yet
    result = backtest_audience(renewing, days=3, now=NOW)
    assert [(d.day.isoformat(), d.in_audience, d.entered, d.capped) for d in result.days] == [
        ("2026-05-08", 2, 1, 1), ("2026-05-09", 2, 1, 0), ("2026-05-10", 2, 0, 0)]
    assert result.entities == 2 and result.entered == 2
    assert [s["entity_id"] for s in result.sample] == [first.id, second.id]


def test_workflow_explain_includes_the_audiences_about_the_entity_type(make_audience):
    customer = CustomerFactory()
    JobFactory(customer_id=customer.id, completed_on=local(2026, 3, 1, 14, 0))
    make_audience()
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("workflow_explain", "customer", str(customer.id), stdout=out)
    text = out.getvalue()
    assert "Lapsed customers (v1, active) — audience of customer, daily at 09:00" in text
    assert "→ not in the audience: last job 2026-03-01, less than 12 months ago" in text
    out = StringIO()
    call_command("workflow_explain", "estimate", "1", stdout=out)
    assert "Lapsed customers" not in out.getvalue()


def test_workflow_backtest_of_an_audience_prints_each_day(make_audience):
    CustomerFactory()
    make_audience()
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("workflow_backtest", "Lapsed customers", "--since", "2d", stdout=out)
    assert out.getvalue().splitlines()[:3] == [
        "Lapsed customers: 1 instances would have started (1 records) over the last 2 daily "
        "evaluations",
        "  2026-05-09: 1 in the audience, 1 entered, 0 held back by the cap",
        "  2026-05-10: 1 in the audience, 0 entered, 0 held back by the cap"]
