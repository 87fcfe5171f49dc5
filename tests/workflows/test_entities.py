import pytest

from servicetitan import models as st
from tests.workflows.factories import (
    CustomerFactory,
    EstimateFactory,
    JobFactory,
    LocationFactory,
)
from workflows.conditions import MISSING
from workflows.entities import customer_id_for, get_record, record_value, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("model", "entity_type", "fields"), [
    (st.Estimate, "estimate", {}),
    (st.Job, "job", {"job_number": "J1", "job_status": "Scheduled"}),
    (st.Appointment, "appointment", {"job_id": 1}),
    (st.Invoice, "invoice", {}),
    (st.Payment, "payment", {}),
    (st.Membership, "membership", {}),
    (st.Location, "location", {"name": "Home"}),
    (st.CustomerContact, "customer_contact", {"type": "MobilePhone", "value": "+15550001"}),
])
def test_customer_id_for_reads_the_customer_of_each_entity_type(model, entity_type, fields):
    record = model.objects.create(id=77, customer_id=4242, raw={}, synced_at="2026-01-01T00:00Z",
                                  **fields)
    assert customer_id_for(entity_type, record.id) == 4242


def test_customer_id_for_a_customer_is_its_own_id():
    assert customer_id_for("customer", "31") == 31


def test_customer_id_for_an_appointment_without_one_goes_through_its_job():
    job = JobFactory(customer_id=555)
    st.Appointment.objects.create(id=9, job_id=job.id, customer_id=None, raw={},
                                  synced_at=job.synced_at)
    assert customer_id_for("appointment", 9) == 555


def test_customer_id_for_an_unknown_record_or_type_is_none():
    assert customer_id_for("estimate", 123456) is None
    assert customer_id_for("sms", "SM123") is None


def test_get_record_refuses_non_numeric_ids_quietly():
    assert get_record("estimate", "abc") is None


def test_record_value_prefers_the_typed_column():
    location = LocationFactory(state="NJ")
    assert record_value(location, ["state"]) == "NJ"


def test_record_value_falls_back_into_raw_for_nested_paths():
    location = LocationFactory()
    assert record_value(location, ["address", "city"]) == "Hoboken"


def test_record_value_finds_camel_case_raw_keys_from_snake_case_paths():
    estimate = EstimateFactory(raw={"soldHours": 3})
    assert record_value(estimate, ["sold_hours"]) == 3


def test_record_value_of_an_absent_path_is_missing():
    assert record_value(CustomerFactory(), ["nope", "deeper"]) is MISSING


def test_snapshot_gives_money_as_text_and_leaves_out_raw():
    data = snapshot(EstimateFactory(total="1250.5"))
    assert data["total"] == "1250.50" or data["total"] == "1250.5"
    assert "raw" not in data and "synced_at" not in data
