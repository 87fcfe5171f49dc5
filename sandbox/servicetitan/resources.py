"""Every ServiceTitan resource the sandbox serves, as data: one ``Resource`` per resource.

Paths are relative to ``/{module}/v2/tenant/{tenant}/`` exactly as in ServiceTitan's tenant
API v2 OpenAPI specs (``SPEC_FILES`` names each module's file). ``scripts/extract_st_schemas.py``
reads this table to know which 200-response schemas to extract, and the app routes by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sandbox.servicetitan.data import accounting, assets, crm, reference, sales, staff, work
from sandbox.servicetitan.layout import Tenant

# The spec file describing each module (the sales module's file is salestech-v2.json).
SPEC_FILES = {
    "crm": "crm-v2.json", "jpm": "jpm-v2.json", "dispatch": "dispatch-v2.json",
    "settings": "settings-v2.json", "sales": "salestech-v2.json",
    "accounting": "accounting-v2.json", "equipmentsystems": "equipment-systems-v2.json",
    "marketing": "marketing-v2.json", "memberships": "memberships-v2.json",
}


@dataclass(frozen=True)
class Resource:
    """One resource.

    ``active_filter`` names the list's active parameter: ``active`` (True|False|Any, default
    True), ``activeState`` (ActiveOnly|InactiveOnly|All, default ActiveOnly; accounting), or
    None when the list takes none (it then returns active records only; unconfirmed).
    ``export_active``: the export also takes ``active`` (default Any).
    ``list_omits``: fields the list schema lacks although the export has them.
    ``parent``: for items embedded in a parent record (``items``); ``parent_key`` is the
    field naming the parent (None when the item record has no such field) and
    ``parent_param`` the name that selects a parent in list filters and control requests.
    ``number_field``: a field that repeats the id as a string (job numbers and the like).
    ``worded``: the amounts and quantities the spec types as free strings (``a.b`` a nested
    field, ``a[].b`` the field in each element of a list), where the ``worded_numbers``
    option puts words (``worded.py``); items embedded in a parent follow their own resource.
    """

    name: str
    module: str
    list_path: str | None
    export_path: str | None
    list_schema: str | None
    export_schema: str | None
    generator: Callable[[Tenant, int], dict]
    id_base: int
    active_filter: str | None = "active"
    export_active: bool = False
    list_omits: tuple[str, ...] = ()
    parent: str | None = None
    parent_key: str | None = None
    parent_param: str | None = None
    number_field: str | None = None
    worded: tuple[str, ...] = ()

    def path(self, kind: str) -> str | None:
        """The full path template of the ``list`` or ``export`` endpoint, or None."""
        tail = self.list_path if kind == "list" else self.export_path
        return None if tail is None else f"/{self.module}/v2/tenant/{{tenant}}/{tail}"

    def schema(self, kind: str) -> str | None:
        return self.list_schema if kind == "list" else self.export_schema


R = Resource
RESOURCES: tuple[Resource, ...] = (
    R("customers", "crm", "customers", "export/customers",
      "PaginatedResponse_Of_Crm.V2.Customers.CustomerResponse",
      "ExportResponse_Of_Crm.V2.ExportCustomerResponse", crm.customer, 10_000_000),
    R("customer_contacts", "crm", "customers/contacts", "export/customers/contacts",
      "PaginatedResponse_Of_Crm.V2.Customers.CustomerContactWithModifiedOnAndCustomerIdResponse",
      "ExportResponse_Of_Crm.V2.ExportCustomerContactResponse", crm.customer_contact,
      20_000_000, active_filter=None, list_omits=("active",)),
    R("locations", "crm", "locations", "export/locations",
      "PaginatedResponse_Of_Crm.V2.Locations.LocationResponse",
      "ExportResponse_Of_Crm.V2.ExportLocationsResponse", crm.location, 30_000_000),
    R("location_contacts", "crm", "locations/contacts", "export/locations/contacts",
      "PaginatedResponse_Of_Crm.V2.LocationsContactResponse",
      "ExportResponse_Of_Crm.V2.ExportLocationContactResponse", crm.location_contact,
      40_000_000, active_filter=None, list_omits=("active",)),
    R("jobs", "jpm", "jobs", "export/jobs", "PaginatedResponse_Of_Jpm.V2.JobResponse",
      "ExportResponse_Of_Jpm.V2.ExportJobsResponse", work.job, 50_000_000,
      active_filter=None, list_omits=("active",), number_field="jobNumber"),
    R("appointments", "jpm", "appointments", "export/appointments",
      "PaginatedResponse_Of_Jpm.V2.AppointmentResponse",
      "ExportResponse_Of_Jpm.V2.ExportAppointmentsResponse", work.appointment, 60_000_000,
      export_active=True),
    R("appointment_assignments", "dispatch", "appointment-assignments",
      "export/appointment-assignments",
      "PaginatedResponse_Of_Dispatch.V2.AppointmentAssignmentResponse",
      "ExportResponse_Of_Dispatch.V2.ExportAppointmentAssignmentsResponse",
      work.appointment_assignment, 70_000_000, export_active=True),
    R("technicians", "settings", "technicians", "export/technicians",
      "PaginatedResponse_Of_TenantSettings.V2.TechnicianResponse",
      "ExportResponse_Of_TenantSettings.V2.ExportTechnicianResponse", staff.technician, 10_000),
    R("employees", "settings", "employees", "export/employees",
      "PaginatedResponse_Of_TenantSettings.V2.EmployeeResponse",
      "ExportResponse_Of_TenantSettings.V2.ExportEmployeeResponse", staff.employee, 20_000),
    R("business_units", "settings", "business-units", "export/business-units",
      "PaginatedResponse_Of_TenantSettings.V2.BusinessUnitResponse",
      "ExportResponse_Of_TenantSettings.V2.ExportBusinessUnitResponse",
      reference.business_unit, 100),
    R("estimates", "sales", "estimates", "export/estimates",
      "PaginatedResponse_Of_Estimates.V2.EstimateResponse",
      "ExportResponse_Of_Estimates.V2.ExportEstimatesResponse", sales.estimate, 80_000_000),
    R("estimate_items", "sales", "estimates/items", None,
      "PaginatedResponse_Of_Estimates.V2.EstimateItemResponse", None, sales.estimate_item,
      90_000_000, parent="estimates", parent_param="estimateId"),
    R("invoices", "accounting", "invoices", "export/invoices",
      "PaginatedResponse_Of_Accounting.V2.InvoiceResponse",
      "ExportResponse_Of_Accounting.V2.ExportInvoiceResponse", accounting.invoice,
      100_000_000, active_filter="activeState", number_field="referenceNumber",
      worded=("subTotal", "salesTax", "total", "balance", "discountTotal")),
    R("invoice_items", "accounting", None, "export/invoice-items", None,
      "ExportResponse_Of_Accounting.V2.ExportInvoiceItemResponse", accounting.invoice_item,
      110_000_000, active_filter=None, parent="invoices", parent_key="invoiceId",
      parent_param="invoiceId", worded=("quantity", "price", "total", "cost", "totalCost")),
    R("payments", "accounting", "payments", "export/payments",
      "PaginatedResponse_Of_Accounting.V2.DetailedPaymentResponse",
      "ExportResponse_Of_Accounting.V2.ExportPaymentResponse", accounting.payment,
      120_000_000, active_filter="activeState", number_field="referenceNumber",
      worded=("total", "unappliedAmount", "appliedTo[].appliedAmount")),
    R("installed_equipment", "equipmentsystems", "installed-equipment",
      "export/installed-equipment",
      "PaginatedResponse_Of_EquipmentSystems.V2.InstalledEquipmentResponse",
      "EquipmentSystems.V2.InstalledEquipmentListExportResponse", assets.installed_equipment,
      130_000_000),
    R("job_types", "jpm", "job-types", None, "PaginatedResponse_Of_Jpm.V2.JobTypeResponse",
      None, reference.job_type, 200),
    R("campaigns", "marketing", "campaigns", None,
      "PaginatedResponse_Of_Marketing.V2.CampaignResponse", None, reference.campaign, 300),
    R("memberships", "memberships", "memberships", "export/memberships",
      "PaginatedResponse_Of_Memberships.V2.CustomerMembershipResponse",
      "ExportResponse_Of_Memberships.V2.ExportCustomerMembershipResponse", assets.membership,
      140_000_000),
    R("projects", "jpm", "projects", "export/projects",
      "PaginatedResponse_Of_Jpm.V2.ProjectResponse",
      "ExportResponse_Of_Jpm.V2.ExportProjectsResponse", work.project, 150_000_000,
      active_filter=None, list_omits=("active",), number_field="number"),
)
BY_NAME = {resource.name: resource for resource in RESOURCES}
# Each id range holds 10 million records: plenty below the largest supported scale.
ID_SPAN = 10_000_000
