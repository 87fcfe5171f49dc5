"""The synthetic tenant: deterministic, referentially consistent, shaped and valued like
ServiceTitan's data (money strings in accounting, E.164 mobiles, several time zones, …)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest
import requests

from sandbox.people import STAFF, TECHNICIANS
from sandbox.server import SandboxApp, start_sandbox
from sandbox.servicetitan import ServiceTitanSandbox
from tests.sandbox.conftest import StApi

MONEY = re.compile(r"^-?\d+\.\d{2}$")
E164 = re.compile(r"^\+1[2-9]\d{9}$")
CUSTOMERS = "/crm/v2/tenant/{tenant}/export/customers"


def _export_customers(scale: int, seed: int, anchor: str = "2026-06-01") -> list[dict]:
    running = start_sandbox(app=SandboxApp({
        "servicetitan": ServiceTitanSandbox(scale, seed, anchor=anchor)}))
    try:
        with requests.Session() as session:
            return StApi(running.url, running.vendor("servicetitan"), session).export_all(
                CUSTOMERS)[0]
    finally:
        running.stop()


# --- determinism ----------------------------------------------------------------------------
def test_the_same_seed_gives_the_same_tenant():
    assert _export_customers(1, 5) == _export_customers(1, 5)


def test_another_seed_gives_another_tenant():
    first, second = _export_customers(1, 5), _export_customers(1, 6)

    assert [c["name"] for c in first] != [c["name"] for c in second]


def test_the_tenant_grows_with_scale():
    counts = ServiceTitanSandbox(scale=3).counts()

    assert counts["customers"] == 300
    assert 35 * 300 <= counts["total"] <= 42 * 300


@pytest.mark.parametrize("kwargs", [{"scale": 0}, {"scale": "2"}, {"scale": 5000}, {"seed": "x"},
                                    {"anchor": "tomorrow"}, {"token_ttl": -5},
                                    {"colour": "red"}])
def test_bad_construction_arguments_are_rejected(kwargs):
    with pytest.raises(ValueError):
        ServiceTitanSandbox(**kwargs)


# --- referential consistency ----------------------------------------------------------------
def test_contacts_and_locations_belong_to_existing_customers(st_tenant):
    customers = st_tenant["customers"]

    assert all(c["customerId"] in customers for c in st_tenant["customer_contacts"].values())
    assert all(loc["customerId"] in customers for loc in st_tenant["locations"].values())
    assert all(c["locationId"] in st_tenant["locations"]
               for c in st_tenant["location_contacts"].values())


def test_a_job_is_at_a_location_of_its_customer(st_tenant):
    locations = st_tenant["locations"]

    for job in st_tenant["jobs"].values():
        assert locations[job["locationId"]]["customerId"] == job["customerId"]


def test_a_job_knows_its_appointments(st_tenant):
    by_job = defaultdict(list)
    for appointment in st_tenant["appointments"].values():
        by_job[appointment["jobId"]].append(appointment)

    for job in st_tenant["jobs"].values():
        mine = sorted(a["id"] for a in by_job[job["id"]])
        assert (job["appointmentCount"], job["firstAppointmentId"], job["lastAppointmentId"]) \
            == (len(mine), mine[0], mine[-1])
        assert {a["customerId"] for a in by_job[job["id"]]} == {job["customerId"]}


def test_a_job_references_existing_reference_data(st_tenant):
    for job in st_tenant["jobs"].values():
        assert job["businessUnitId"] in st_tenant["business_units"]
        assert job["campaignId"] in st_tenant["campaigns"]
        assert job["jobTypeId"] in st_tenant["job_types"]


def test_assignments_name_a_technician_on_a_visit_of_the_job(st_tenant):
    technicians = st_tenant["technicians"]

    for assignment in st_tenant["appointment_assignments"].values():
        appointment = st_tenant["appointments"][assignment["appointmentId"]]
        assert assignment["jobId"] == appointment["jobId"]
        assert technicians[assignment["technicianId"]]["name"] == assignment["technicianName"]


def test_estimates_match_their_job(st_tenant):
    jobs = st_tenant["jobs"]
    by_job = defaultdict(list)
    for estimate in st_tenant["estimates"].values():
        job = jobs[estimate["jobId"]]
        by_job[job["id"]].append(estimate["id"])
        assert (estimate["customerId"], estimate["locationId"], estimate["jobNumber"],
                estimate["projectId"]) == (job["customerId"], job["locationId"],
                                           job["jobNumber"], job["projectId"])

    assert all(sorted(by_job[j["id"]]) == j["estimateIds"] for j in jobs.values())


def test_sold_estimates_are_sold_by_a_technician_with_a_date(st_tenant):
    for estimate in st_tenant["estimates"].values():
        sold = estimate["status"]["name"] == "Sold"
        assert (estimate["soldOn"] is not None) == sold
        assert (estimate["soldBy"] in st_tenant["technicians"]) if sold else \
            estimate["soldBy"] is None


def test_the_estimate_items_list_holds_the_embedded_items(st_tenant):
    embedded = {i["id"]: i for e in st_tenant["estimates"].values() for i in e["items"]}

    assert embedded == st_tenant["estimate_items"]


def test_each_job_has_its_own_invoice(st_tenant):
    for job in st_tenant["jobs"].values():
        invoice = st_tenant["invoices"][job["invoiceId"]]
        assert (invoice["job"]["id"], invoice["customer"]["id"], invoice["location"]["id"]) \
            == (job["id"], job["customerId"], job["locationId"])


def test_exported_invoice_items_are_the_items_embedded_in_invoices(st_tenant):
    exported = defaultdict(list)
    for item in st_tenant["invoice_items"].values():
        stripped = {k: v for k, v in item.items() if k not in ("active", "invoiceId")}
        exported[item["invoiceId"]].append(stripped)

    for invoice in st_tenant["invoices"].values():
        assert invoice["items"] == exported.get(invoice["id"], [])


def test_payments_apply_to_invoices_of_their_customer(st_tenant):
    invoices = st_tenant["invoices"]

    for payment in st_tenant["payments"].values():
        for applied in payment["appliedTo"]:
            assert invoices[applied["appliedTo"]]["customer"] == payment["customer"]


def test_equipment_memberships_and_projects_point_at_real_records(st_tenant):
    locations = st_tenant["locations"]
    for item in st_tenant["installed_equipment"].values():
        assert locations[item["locationId"]]["customerId"] == item["customerId"]
    for membership in st_tenant["memberships"].values():
        assert locations[membership["locationId"]]["customerId"] == membership["customerId"]
    for project in st_tenant["projects"].values():
        assert all(st_tenant["jobs"][j]["projectId"] == project["id"] for j in project["jobIds"])


def test_technicians_are_the_staff_list_so_ghl_users_match_by_email(st_tenant):
    emails = {t["email"] for t in st_tenant["technicians"].values()}

    assert emails == {member.email for member in TECHNICIANS}
    assert {e["email"] for e in st_tenant["employees"].values()} < {m.email for m in STAFF}


# --- money ----------------------------------------------------------------------------------
def test_invoice_money_fields_are_strings_with_two_decimals(st_tenant):
    fields = ("subTotal", "salesTax", "total", "balance", "discountTotal")
    item_fields = ("quantity", "cost", "totalCost", "price", "total")

    for invoice in st_tenant["invoices"].values():
        assert all(MONEY.match(invoice[f]) for f in fields)
        assert all(MONEY.match(item[f]) for item in invoice["items"] for f in item_fields)


def test_payment_money_fields_are_strings_with_two_decimals(st_tenant):
    for payment in st_tenant["payments"].values():
        assert MONEY.match(payment["total"]) and MONEY.match(payment["unappliedAmount"])
        assert all(MONEY.match(a["appliedAmount"]) for a in payment["appliedTo"])


def test_invoice_totals_add_up(st_tenant):
    paid = Counter()
    for payment in st_tenant["payments"].values():
        for applied in payment["appliedTo"]:
            paid[applied["appliedTo"]] += round(float(applied["appliedAmount"]) * 100)

    for invoice in st_tenant["invoices"].values():
        cents = {f: round(float(invoice[f]) * 100) for f in ("subTotal", "salesTax", "total",
                                                             "balance")}
        assert cents["subTotal"] == sum(round(float(i["total"]) * 100) for i in invoice["items"])
        assert cents["total"] == cents["subTotal"] + cents["salesTax"]
        assert cents["balance"] == cents["total"] - paid[invoice["id"]]


def test_a_customer_balance_is_what_their_invoices_still_owe(st_tenant):
    owed = Counter()
    for invoice in st_tenant["invoices"].values():
        owed[invoice["customer"]["id"]] += round(float(invoice["balance"]) * 100)

    for customer in st_tenant["customers"].values():
        assert round(customer["balance"] * 100) == owed[customer["id"]]


def test_money_outside_accounting_is_numeric(st_tenant):
    for estimate in st_tenant["estimates"].values():
        assert isinstance(estimate["subtotal"], float) and isinstance(estimate["tax"], float)


# --- realistic values -----------------------------------------------------------------------
def test_estimate_totals_fall_on_both_sides_of_a_thousand_dollars(st_tenant):
    totals = [e["subtotal"] + e["tax"] for e in st_tenant["estimates"].values()]

    assert min(totals) < 1000 < max(totals)
    assert 0.2 < sum(t < 1000 for t in totals) / len(totals) < 0.8


def test_estimates_are_open_sold_or_dismissed(st_tenant):
    statuses = {(e["status"]["value"], e["status"]["name"])
                for e in st_tenant["estimates"].values()}

    assert statuses == {(0, "Open"), (1, "Sold"), (2, "Dismissed")}


def test_job_statuses_are_servicetitans(st_tenant):
    statuses = {job["jobStatus"] for job in st_tenant["jobs"].values()}

    assert {"Scheduled", "Completed", "Canceled"} <= statuses
    assert statuses <= {"Scheduled", "Dispatched", "InProgress", "Hold", "Completed", "Canceled"}


def test_customers_span_time_zones_including_arizona_and_hawaii(st_tenant):
    states = {c["address"]["state"] for c in st_tenant["customers"].values()}

    assert {"FL", "AZ", "HI"} <= states and len(states) >= 6


def test_mobile_contacts_are_e164_with_phone_settings(st_tenant):
    mobiles = [c for c in st_tenant["customer_contacts"].values() if c["type"] == "MobilePhone"]

    assert mobiles and all(E164.match(c["value"]) for c in mobiles)
    assert all(c["phoneSettings"]["phoneNumber"] == c["value"] for c in mobiles)
    assert any(c["phoneSettings"]["doNotText"] for c in mobiles)


def test_contact_values_are_unique(st_tenant):
    values = [c["value"] for name in ("customer_contacts", "location_contacts")
              for c in st_tenant[name].values()]

    assert len(values) == len(set(values))


def test_names_include_non_ascii_text(st_tenant):
    names = " ".join(c["name"] for c in st_tenant["customers"].values())

    assert any(ord(ch) > 127 for ch in names)


def test_customers_are_residential_or_commercial_with_some_do_not_flags(st_tenant):
    customers = st_tenant["customers"].values()

    assert {c["type"] for c in customers} == {"Residential", "Commercial"}
    assert any(c["doNotService"] for c in customers) and any(c["doNotMail"] for c in customers)


@pytest.mark.parametrize("resource", ["customers", "locations", "jobs", "appointments"])
def test_a_few_percent_of_records_are_inactive(st_tenant, resource):
    records = st_tenant[resource].values()

    assert 0.005 < sum(not r["active"] for r in records) / len(records) < 0.1


def test_some_appointments_lie_in_the_future(st_tenant):
    starts = [a["start"] for a in st_tenant["appointments"].values()]
    modified = max(a["modifiedOn"] for a in st_tenant["appointments"].values())

    assert max(starts) > modified
