import pytest

from tests.workflows.factories import CustomerFactory, EstimateFactory, JobFactory, LocationFactory
from workflows.conditions import MISSING
from workflows.facts import EntityFacts

pytestmark = pytest.mark.django_db


def facts_for(estimate, **payload):
    return EntityFacts({"id": estimate.id, "customer_id": estimate.customer_id, **payload},
                       "estimate", estimate.id)


def test_a_payload_field_is_read_from_the_payload():
    assert facts_for(EstimateFactory(), total="1250.00").get("total") == "1250.00"


def test_customer_dot_type_reads_the_related_customer():
    customer = CustomerFactory(type="Commercial")
    assert facts_for(EstimateFactory(customer_id=customer.id)).get("customer.type") \
        == "Commercial"


def test_location_state_and_location_address_state_both_resolve():
    estimate = EstimateFactory(location_id=LocationFactory().id)
    facts = facts_for(estimate, location_id=estimate.location_id)
    assert facts.get("location.state") == "NJ"
    assert facts.get("location.address.state") == "NJ"


def test_job_business_unit_is_read_through_the_job_id():
    estimate = EstimateFactory(job_id=JobFactory(business_unit_id=501).id)
    assert facts_for(estimate, job_id=estimate.job_id).get("job.business_unit_id") == 501


def test_a_column_missing_from_the_payload_is_read_from_the_entity_record():
    estimate = EstimateFactory(summary="Two-stage")
    assert facts_for(estimate).get("summary") == "Two-stage"


def test_a_related_record_not_synced_yet_is_missing():
    estimate = EstimateFactory(job_id=987654)
    assert facts_for(estimate, job_id=987654).get("job.business_unit_id") is MISSING


def test_status_changed_events_count_as_a_change_of_status():
    facts = EntityFacts({"old_status": "Open", "new_status": "Sold"}, "estimate", 1)
    assert facts.change("status") == ("Open", "Sold")


def test_a_context_exposes_entity_fields_at_the_top_level():
    context = {"entity": {"total": "10.00"}, "vars": {"tries": 2}, "event": {"payload": {}}}
    facts = EntityFacts.for_context(context, "estimate", 1)
    assert facts.get("total") == "10.00" and facts.get("vars.tries") == 2
