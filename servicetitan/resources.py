"""Every synced ServiceTitan resource, one declarative entry each; ``servicetitan.sync`` runs
them all the same way.

An entry names the endpoint (``/{module}/v2/tenant/{tenant}/{path}``), how its feed is
followed (``export``: the stored ``continueFrom`` token; ``list``: a ``modifiedOnOrAfter``
watermark, for resources without an export), the ``Shape`` (table, typed columns, status,
milestones) and, for estimates, the items embedded in each record. Endpoints and field names
follow ServiceTitan's tenant API v2 OpenAPI specs and their ``Export_*`` schemas (the sandbox
serves the same, ``sandbox/servicetitan/resources.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from config.phones import phone_key_or_none
from servicetitan import models as m
from servicetitan.convert import as_json, flag, integer, money, ref, text, when
from servicetitan.rows import Milestone, Shape

EXPORT, LIST = "export", "list"


@dataclass(frozen=True)
class Embedded:
    """Child records carried inside each parent record (``estimate.items``). They land in
    their own table with ``parent_column`` set; a child that no longer appears in its parent
    is deactivated (``active = false``), never deleted."""

    key: str
    parent_column: str
    shape: Shape


@dataclass(frozen=True)
class Resource:
    name: str                     # plural, as on the command line: "customers"
    module: str
    path: str
    cursor: str                   # EXPORT or LIST
    shape: Shape
    params: dict[str, str] = field(default_factory=dict)  # fixed query parameters
    embedded: Embedded | None = None
    # Rough relative cost of a full read (records x their size). Parallel runs start the
    # costliest first, so a big resource does not run alone at the end.
    cost: int = 1

    @property
    def entity(self) -> str:
        return self.shape.entity

    def endpoint(self, tenant_id: int) -> str:
        return f"/{self.module}/v2/tenant/{tenant_id}/{self.path}"


def _address() -> dict:
    return {"street": text("address.street"), "city": text("address.city"),
            "state": text("address.state"), "zip": text("address.zip")}


def _estimate_total(row: dict[str, Any]) -> Decimal | None:
    """ServiceTitan's estimate total is subtotal + tax; unknown when either is (the spec
    requires both: a tax that is not a number must not make a total without it)."""
    if row["subtotal"] is None or row["tax"] is None:
        return None
    return row["subtotal"] + row["tax"]


def _paid(row: dict[str, Any]) -> bool:
    """An invoice is paid once something was owed and nothing is left."""
    total, balance = row["total"], row["balance"]
    return total is not None and balance is not None and total > 0 and balance <= 0


# Appointments and assignments: exports and lists return active records only by default.
_ANY = {"active": "Any"}
_PEOPLE = {"user_id": ref("userId"), "name": text("name"), "email": text("email"),
           "phone_number": text("phoneNumber"), "business_unit_id": ref("businessUnitId")}

# Items embedded in an estimate carry neither the estimate's id (set from the parent) nor
# ``active`` (true while the estimate lists them).
ESTIMATE_ITEM = Shape("estimate_item", m.EstimateItem, {
    "estimate_id": ref("estimateId"), "sku_id": ref("sku.id"), "sku_name": text("sku.name"),
    "description": text("description"),
    "qty": money("qty"), "unit_rate": money("unitRate"), "total": money("total"),
})

RESOURCES: tuple[Resource, ...] = (
    Resource("customers", "crm", "export/customers", EXPORT, Shape("customer", m.Customer, {
        "name": text("name"), "type": text("type"), **_address(), "balance": money("balance"),
        # Exclusions: a value that is not true or false counts as set (the cautious side).
        "do_not_mail": flag("doNotMail", unfit=True),
        "do_not_service": flag("doNotService", unfit=True),
        "merged_to_id": ref("mergedToId"),
    }), cost=2),
    Resource("customer_contacts", "crm", "export/customers/contacts", EXPORT,
             Shape("customer_contact", m.CustomerContact, {
                 "customer_id": ref("customerId"), "type": text("type"),
                 "value": text("value"), "memo": text("memo"),
                 "do_not_text": flag("phoneSettings.doNotText", unfit=True),
             }, computed={"phone_e164": lambda row: phone_key_or_none(row["value"])}),
             cost=2),
    Resource("locations", "crm", "export/locations", EXPORT, Shape("location", m.Location, {
        "customer_id": ref("customerId"), "name": text("name"), **_address(),
        "zone_id": ref("zoneId"), "merged_to_id": ref("mergedToId"),
    }), cost=2),
    Resource("jobs", "jpm", "export/jobs", EXPORT, Shape("job", m.Job, {
        "job_number": text("jobNumber"), "customer_id": ref("customerId"),
        "location_id": ref("locationId"), "project_id": ref("projectId"),
        "job_status": text("jobStatus"), "completed_on": when("completedOn"),
        "business_unit_id": ref("businessUnitId"), "job_type_id": ref("jobTypeId"),
        "campaign_id": ref("campaignId"), "priority": text("priority"),
        "sold_by_id": ref("soldById"), "invoice_id": ref("invoiceId"),
        "total": money("total"), "summary": text("summary"),
    }, status="job_status", milestones=(
        Milestone("job.completed", lambda row: row["job_status"] == "Completed"),)), cost=3),
    Resource("appointments", "jpm", "export/appointments", EXPORT,
             Shape("appointment", m.Appointment, {
                 "job_id": ref("jobId"), "customer_id": ref("customerId"),
                 "appointment_number": text("appointmentNumber"), "start": when("start"),
                 "end": when("end"), "arrival_window_start": when("arrivalWindowStart"),
                 "arrival_window_end": when("arrivalWindowEnd"), "status": text("status"),
                 "is_confirmed": flag("isConfirmed"),
             }, status="status"), params=_ANY, cost=3),
    Resource("appointment_assignments", "dispatch", "export/appointment-assignments", EXPORT,
             Shape("appointment_assignment", m.AppointmentAssignment, {
                 "appointment_id": ref("appointmentId"), "job_id": ref("jobId"),
                 "technician_id": ref("technicianId"),
                 "technician_name": text("technicianName"), "status": text("status"),
                 "assigned_on": when("assignedOn"),
             }, status="status"), params=_ANY, cost=3),
    Resource("technicians", "settings", "export/technicians", EXPORT,
             Shape("technician", m.Technician, {
                 **_PEOPLE, "mobile_phone": text("mobilePhone"), "team": text("team"),
             })),
    Resource("employees", "settings", "export/employees", EXPORT,
             Shape("employee", m.Employee, {**_PEOPLE, "role": text("role")})),
    Resource("business_units", "settings", "export/business-units", EXPORT,
             Shape("business_unit", m.BusinessUnit, {
                 "name": text("name"), "official_name": text("officialName"),
                 "email": text("email"), "phone_number": text("phoneNumber"),
             })),
    Resource("job_types", "jpm", "job-types", LIST, Shape("job_type", m.JobType, {
        "name": text("name"), "priority": text("priority"), "duration": integer("duration"),
        "business_unit_ids": as_json("businessUnitIds"),
    }), params=_ANY),
    Resource("campaigns", "marketing", "campaigns", LIST, Shape("campaign", m.Campaign, {
        "name": text("name"), "category": text("category.name"), "source": text("source"),
        "medium": text("medium"),
    }), params=_ANY),
    Resource("estimates", "sales", "export/estimates", EXPORT, Shape("estimate", m.Estimate, {
        "job_id": ref("jobId"), "project_id": ref("projectId"),
        "location_id": ref("locationId"), "customer_id": ref("customerId"),
        "name": text("name"), "job_number": text("jobNumber"), "status": text("status.name"),
        "review_status": text("reviewStatus"), "summary": text("summary"),
        "sold_on": when("soldOn"), "sold_by_id": ref("soldBy"), "subtotal": money("subtotal"),
        "tax": money("tax"), "business_unit_id": ref("businessUnitId"),
    }, status="status", computed={"total": _estimate_total}),
        embedded=Embedded("items", "estimate_id", ESTIMATE_ITEM), cost=4),
    Resource("invoices", "accounting", "export/invoices", EXPORT, Shape("invoice", m.Invoice, {
        "reference_number": text("referenceNumber"), "invoice_date": when("invoiceDate"),
        "due_date": when("dueDate"), "customer_id": ref("customer.id"),
        "location_id": ref("location.id"), "job_id": ref("job.id"),
        "business_unit_id": ref("businessUnit.id"), "sub_total": money("subTotal"),
        "sales_tax": money("salesTax"), "total": money("total"),
        "balance": money("balance"), "paid_on": when("paidOn"),
    }, milestones=(Milestone("invoice.paid", _paid),)), cost=5),
    Resource("invoice_items", "accounting", "export/invoice-items", EXPORT,
             Shape("invoice_item", m.InvoiceItem, {
                 "invoice_id": ref("invoiceId"), "sku_id": ref("skuId"),
                 "sku_name": text("skuName"), "description": text("description"),
                 "type": text("type"), "quantity": money("quantity"),
                 "price": money("price"), "total": money("total"),
             }), cost=5),
    Resource("payments", "accounting", "export/payments", EXPORT, Shape("payment", m.Payment, {
        "customer_id": ref("customer.id"), "reference_number": text("referenceNumber"),
        "date": when("date"), "type": text("type"), "total": money("total"),
        "unapplied_amount": money("unappliedAmount"),
    }), cost=2),
    Resource("installed_equipment", "equipmentsystems", "export/installed-equipment", EXPORT,
             Shape("installed_equipment", m.InstalledEquipment, {
                 "location_id": ref("locationId"), "customer_id": ref("customerId"),
                 "name": text("name"), "type": text("type.name"),
                 "installed_on": when("installedOn"), "serial_number": text("serialNumber"),
                 "manufacturer": text("manufacturer"), "model": text("model"),
                 "cost": money("cost"), "status": text("status"),
             }, status="status"), cost=2),
    Resource("memberships", "memberships", "export/memberships", EXPORT,
             Shape("membership", m.Membership, {
                 "customer_id": ref("customerId"), "location_id": ref("locationId"),
                 "membership_type_id": ref("membershipTypeId"),
                 "business_unit_id": ref("businessUnitId"), "status": text("status"),
                 "follow_up_status": text("followUpStatus"),
                 "billing_frequency": text("billingFrequency"), "from_date": when("from"),
                 "to_date": when("to"), "cancellation_date": when("cancellationDate"),
                 "sold_by_id": ref("soldById"),
             }, status="status")),
    Resource("projects", "jpm", "export/projects", EXPORT, Shape("project", m.Project, {
        "number": text("number"), "name": text("name"), "status": text("status"),
        "sub_status": text("subStatus"), "customer_id": ref("customerId"),
        "location_id": ref("locationId"), "project_type_id": ref("projectTypeId"),
        "start_date": when("startDate"),
        "target_completion_date": when("targetCompletionDate"),
        "actual_completion_date": when("actualCompletionDate"),
    }, status="status")),
)
BY_NAME = {resource.name: resource for resource in RESOURCES}


def resolve(names: list[str] | None) -> list[Resource]:
    """The resources named (all when none), in declaration order; ``KeyError`` lists any
    unknown names."""
    if not names:
        return list(RESOURCES)
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise KeyError(", ".join(unknown))
    return [r for r in RESOURCES if r.name in set(names)]
