"""Estimates with their items (``Estimates.V2.ExportEstimatesResponse``).

Status is ``{value, name}``: 0 Open, 1 Sold, 2 Dismissed (the value numbering is taken from
public connector notes; unconfirmed). Repair estimates mostly total under $1,000, replacement
estimates well over it. Numbers (not strings) for money, as the sales module sends them.
"""

from __future__ import annotations

from sandbox.servicetitan.data.common import lead_technician, location_city
from sandbox.servicetitan.data.facts import job_customer, job_project, job_type_index
from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import ESTIMATE_STATUSES, Tenant
from sandbox.servicetitan.timefmt import iso
from sandbox.servicetitan.vocab import (
    BUSINESS_UNITS,
    CITIES,
    JOB_TYPES,
    PRICE_BOOK,
    Sku,
)

NAMES = {False: ("Repair option", "Repair - Good", "Fix it today"),
         True: ("Replacement - Better", "System replacement - Best", "Upgrade package")}


def _replacement(t: Tenant, e: int) -> bool:
    return bool(t.extra["estimate_replacement"][e])


def _line(t: Tenant, k: int) -> tuple[Sku, int]:
    return PRICE_BOOK[t.extra["estimate_items_sku"][k]], t.extra["estimate_items_qty"][k]


def estimate_item(t: Tenant, k: int) -> dict:
    times = t.times["estimate_items"]
    sku, qty = _line(t, k)
    account = 4200 if sku.kind == "Equipment" else 4000
    return {
        "id": t.id("estimate_items", k),
        "sku": {"id": sku.id, "name": sku.name, "displayName": sku.display_name,
                "type": sku.kind, "soldHours": sku.hours, "generalLedgerAccountId": account,
                "generalLedgerAccountName": "Equipment Revenue" if account == 4200
                else "Service Revenue", "modifiedOn": iso(t.start)},
        "skuAccount": str(account), "description": f"<p>{sku.display_name}</p>",
        "membershipTypeId": None, "qty": float(qty), "unitRate": sku.price,
        "total": round(sku.price * qty, 2), "unitCost": sku.cost,
        "totalCost": round(sku.cost * qty, 2), "itemGroupName": "", "itemGroupRootId": None,
        "createdOn": iso(times.created[k]), "modifiedOn": iso(times.modified[k]),
        "chargeable": None, "invoiceItemId": None, "budgetCodeId": None,
    }


def estimate(t: Tenant, e: int) -> dict:
    d = Dice(t.seed, "estimates", e)
    times = t.times["estimates"]
    j = t.trees["estimates"].parent(e)
    c, loc = job_customer(t, j)
    items = [estimate_item(t, k) for k in t.trees["estimate_items"].children(e)]
    taxable = sum(round(item["total"] * 100) for item in items
                  if item["sku"]["type"] != "Service")
    subtotal = round(sum(item["total"] for item in items), 2)
    status = t.extra["estimate_status"][e]
    unit = JOB_TYPES[job_type_index(t, j)].business_unit
    project = job_project(t, j)
    return {
        "id": t.id("estimates", e), "jobId": t.id("jobs", j),
        "projectId": None if project is None else t.id("projects", project),
        "locationId": t.id("locations", loc), "customerId": t.id("customers", c),
        "name": d.pick(NAMES[_replacement(t, e)]), "jobNumber": str(t.id("jobs", j)),
        "status": {"value": status, "name": ESTIMATE_STATUSES[status]},
        "reviewStatus": "None", "summary": None if d.chance(0.5) else
        "Options reviewed with the homeowner on site.",
        "createdOn": iso(times.created[e]), "modifiedOn": iso(times.modified[e]),
        "soldOn": iso(times.modified[e]) if status == 1 else None,
        "soldBy": t.id("technicians", lead_technician(t, j)) if status == 1 else None,
        "active": bool(times.active[e]), "items": items, "externalLinks": [],
        "subtotal": subtotal,
        "tax": round(taxable * CITIES[location_city(t, loc)].tax_rate / 10000, 2),
        "businessUnitId": t.id("business_units", unit),
        "businessUnitName": BUSINESS_UNITS[unit].name, "isRecommended": d.chance(0.3),
        "budgetCodeId": None, "isChangeOrder": False, "proposalTagName": None,
        "depositAmount": None, "depositPercent": None, "requireDepositOnSignature": None,
    }
