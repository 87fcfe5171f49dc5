"""Audience rules compiled to SQL: the ops, related records, existence, exclusions' virtual
field, and refusals that name the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from messaging.models import CommunicationPreference
from tests.workflows.audiences.conftest import local, selected, utc
from tests.workflows.factories import (
    ContactFactory,
    CustomerFactory,
    EstimateFactory,
    JobFactory,
    MembershipFactory,
)
from workflows.audiences.compiler import compile_rule
from workflows.audiences.periods import Clock

pytestmark = pytest.mark.django_db
NOW = local(2026, 5, 10, 9, 0)
NO_RECENT_JOB = {"not": {"has": "job", "where": {"all": [
    {"field": "job_status", "op": "==", "value": "Completed"},
    {"field": "completed_on", "op": "within_last", "value": "12mo"}]}}}


def refusal(rule: dict, entity: str = "customer") -> str:
    with pytest.raises(ValidationError) as caught:
        compile_rule(rule, entity, Clock(timezone.now()), "audience.rule")
    return caught.value.messages[0]


def test_numbers_compare_numerically_and_text_as_text():
    big = EstimateFactory(total=Decimal("1250.00"), status="Open")
    EstimateFactory(total=Decimal("900.00"), status="Open")
    EstimateFactory(total=Decimal("5000.00"), status="Sold")
    rule = {"all": [{"field": "total", "op": ">=", "value": "1000"},
                    {"field": "status", "op": "in", "value": ["Open", "Pending"]}]}
    assert selected("estimate", rule) == {big.id}


def test_not_equal_and_not_in_pass_an_empty_value_as_event_rules_do():
    empty = EstimateFactory(total=None)
    EstimateFactory(total=Decimal("10.00"))
    assert empty.id in selected("estimate", {"field": "total", "op": "!=", "value": 10})
    assert selected("estimate", {"field": "total", "op": "exists", "value": False}) == {empty.id}


def test_a_field_of_the_record_the_entity_refers_to_is_read_through_it():
    flagged = CustomerFactory(do_not_mail=True)
    theirs = MembershipFactory(customer_id=flagged.id)
    MembershipFactory()
    orphan = MembershipFactory(customer_id=999_999)
    rule = {"field": "customer.do_not_mail", "op": "==", "value": True}
    assert selected("membership", rule) == {theirs.id}
    assert orphan.id in selected("membership", {"not": rule})


def test_has_finds_a_related_record_passing_its_rule():
    busy = CustomerFactory()
    JobFactory(customer_id=busy.id, job_status="Scheduled")
    idle = CustomerFactory()
    JobFactory(customer_id=idle.id, job_status="Completed")
    rule = {"has": "job", "where": {"field": "job_status", "op": "not_in",
                                    "value": ["Completed", "Canceled"]}}
    assert selected("customer", rule) == {busy.id}


def test_not_has_is_no_related_record_passing_its_rule():
    recent = CustomerFactory()
    JobFactory(customer_id=recent.id, completed_on=local(2026, 3, 1, 10, 0))
    lapsed = CustomerFactory()
    JobFactory(customer_id=lapsed.id, completed_on=local(2025, 3, 1, 10, 0))
    never = CustomerFactory()
    assert selected("customer", NO_RECENT_JOB, NOW) == {lapsed.id, never.id}


def test_has_links_through_the_shared_customer_when_there_is_no_direct_reference():
    customer = CustomerFactory()
    estimate = EstimateFactory(customer_id=customer.id)
    EstimateFactory()
    JobFactory(customer_id=customer.id, job_status="Scheduled")
    rule = {"has": "job", "where": {"field": "job_status", "op": "==", "value": "Scheduled"}}
    assert selected("estimate", rule) == {estimate.id}


def test_sms_opted_out_covers_our_opt_outs_and_servicetitans_do_not_text():
    opted = CustomerFactory()
    ContactFactory(customer_id=opted.id, value="+14075550101", phone_e164="+14075550101")
    CommunicationPreference.objects.create(phone="+14075550101", sms_opted_out=True)
    marked = CustomerFactory()
    ContactFactory(customer_id=marked.id, value="+14075550102", phone_e164="+14075550102",
                   do_not_text=True)
    fine = CustomerFactory()
    ContactFactory(customer_id=fine.id, value="+14075550103", phone_e164="+14075550103")
    rule = {"field": "sms_opted_out", "op": "==", "value": True}
    assert selected("customer", rule) == {opted.id, marked.id}
    theirs = MembershipFactory(customer_id=marked.id)
    assert selected("membership", {"field": "customer.sms_opted_out", "op": "==",
                                   "value": True}) == {theirs.id}


def test_absolute_dates_name_whole_days():
    day = MembershipFactory(to_date=utc(2026, 6, 1))
    MembershipFactory(to_date=utc(2026, 6, 2))
    assert selected("membership", {"field": "to_date", "op": "==", "value": "2026-06-01"}) \
        == {day.id}
    assert selected("membership", {"field": "to_date", "op": "<=", "value": "2026-06-01"}) \
        == {day.id}


def test_a_misspelt_field_is_refused_naming_it_and_the_fields_there_are():
    message = refusal({"all": [{"field": "status", "op": "==", "value": "Active"},
                               {"field": "instaled_on", "op": "more_than_ago",
                                "value": "10y"}]}, "installed_equipment")
    assert message.startswith("audience.rule.all[1].field: 'instaled_on' is not a field of "
                              "installed_equipment")
    assert "installed_on" in message


def test_a_relative_date_on_a_text_field_is_refused_naming_the_field():
    message = refusal({"field": "name", "op": "within_next", "value": "30d"})
    assert message.startswith("audience.rule.op: 'within_next' does not apply to name (a text "
                              "field")


def test_a_bad_period_is_refused_with_how_to_write_one():
    message = refusal({"field": "created_on", "op": "within_last", "value": "12 months"})
    assert message.startswith("audience.rule.value: '12 months' is not a period")


def test_a_change_op_is_refused_in_an_audience():
    assert "changes belong to event rules" in refusal({"field": "type", "op": "changed"})


def test_an_unknown_related_record_type_is_refused_naming_it():
    message = refusal({"not": {"has": "jobs", "where": {}}})
    assert message.startswith("audience.rule.not.has: 'jobs' is not a record type")


def test_a_field_inside_has_is_checked_against_the_related_records_fields():
    message = refusal({"has": "job", "where": {"field": "status", "op": "==",
                                               "value": "Completed"}})
    assert message.startswith("audience.rule.where.field: 'status' is not a field of job")


def test_a_reference_the_entity_does_not_have_is_refused():
    message = refusal({"field": "job.job_status", "op": "==", "value": "x"}, "membership")
    assert message == ("audience.rule.field: 'job.job_status': a membership does not refer to "
                       "a job (it has no job_id)")
