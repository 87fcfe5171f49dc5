import pytest

from sandbox.servicetitan import routes
from sandbox.servicetitan.resources import RESOURCES as SANDBOX_RESOURCES
from servicetitan.resources import BY_NAME, EXPORT, RESOURCES, resolve


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_resource_names_an_endpoint_servicetitan_serves(resource):
    found = routes.match(resource.endpoint(1000001))
    assert found is not None and found.name == resource.name
    assert found.kind == resource.cursor


def test_every_resource_prefers_the_export_when_there_is_one():
    exported = {r.name for r in SANDBOX_RESOURCES if r.export_path}
    assert {r.name for r in RESOURCES if r.cursor == EXPORT} == exported - {"location_contacts"}


def test_appointments_come_from_the_jpm_module_not_dispatch():
    assert BY_NAME["appointments"].endpoint(1) == "/jpm/v2/tenant/1/export/appointments"


def test_estimate_items_ride_inside_estimates():
    assert "estimate_items" not in BY_NAME
    assert BY_NAME["estimates"].embedded.shape.model._meta.db_table == "st_estimate_items"


def test_entity_names_are_the_singular_resource_names():
    assert [r.entity for r in RESOURCES] == [
        "customer", "customer_contact", "location", "job", "appointment",
        "appointment_assignment", "technician", "employee", "business_unit", "job_type",
        "campaign", "estimate", "invoice", "invoice_item", "payment", "installed_equipment",
        "membership", "project"]


def test_resolve_keeps_the_declared_order():
    assert [r.name for r in resolve(["payments", "customers"])] == ["customers", "payments"]


def test_resolve_names_the_unknown_resources():
    with pytest.raises(KeyError, match="appointmentz, techs"):
        resolve(["customers", "appointmentz", "techs"])
