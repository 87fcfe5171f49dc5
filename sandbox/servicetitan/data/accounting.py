"""Invoices, invoice items and payments (``Accounting.V2.Export*Response``).

Money is a string with two decimals (``"1234.50"``) exactly as ServiceTitan's accounting API
sends it; amounts are computed in cents so totals always add up: an invoice's subTotal is the
sum of its items, total = subTotal + salesTax, balance = total - payments applied.
"""

from __future__ import annotations

from sandbox.servicetitan.data.common import (
    customer_address,
    customer_name,
    lead_technician,
    location_address,
    location_city,
    location_name,
    memo,
    money,
)
from sandbox.servicetitan.data.facts import (
    invoice_amounts,
    job_customer,
    job_project,
    job_type_index,
    line,
)
from sandbox.servicetitan.data.staff import staff_member
from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import Tenant
from sandbox.servicetitan.timefmt import DAY, iso, iso_midnight
from sandbox.servicetitan.vocab import (
    BUSINESS_UNITS,
    CITIES,
    JOB_TYPES,
)

PAYMENT_TYPES = (("Credit Card", "3"), ("Check", "1"), ("Cash", "2"), ("ACH", "5"))
REVENUE_ACCOUNTS = {"Service": (4000, "Service Revenue"), "Material": (4100, "Parts Revenue"),
                    "Equipment": (4200, "Equipment Revenue")}


def _named(t: Tenant, resource: str, index: int, name: str) -> dict:
    return {"id": t.id(resource, index), "name": name}


@memo  # shared by the records of a job; nothing mutates generated records in place
def _business_unit(t: Tenant, job: int) -> dict:
    unit = JOB_TYPES[job_type_index(t, job)].business_unit
    return _named(t, "business_units", unit, BUSINESS_UNITS[unit].name)


def invoice_item(t: Tenant, k: int) -> dict:
    """An invoice item as the invoice-items export sends it: the embedded fields plus
    ``active`` and ``invoiceId``."""
    record = embedded_invoice_item(t, k)
    record["active"] = bool(t.times["invoice_items"].active[k])
    record["invoiceId"] = t.id("invoices", t.trees["invoice_items"].parent(k))
    return record


def embedded_invoice_item(t: Tenant, k: int) -> dict:
    """An invoice item as its invoice embeds it."""
    times, tree = t.times["invoice_items"], t.trees["invoice_items"]
    job = tree.parent(k)
    sku, qty = line(t, k)
    account, account_name = REVENUE_ACCOUNTS[sku.kind]
    price_cents = round(sku.price * 100)
    return {
        "id": t.id("invoice_items", k), "description": f"<p>{sku.display_name}</p>",
        "quantity": money(qty), "cost": money(sku.cost), "totalCost": money(sku.cost * qty),
        "budgetCodeId": None, "inventoryLocationId": None, "inventoryLocation": None,
        "price": money(sku.price), "type": sku.kind, "skuName": sku.name, "skuId": sku.id,
        "total": money(price_cents * qty / 100), "inventory": sku.kind == "Material",
        "taxable": sku.taxable, "isChargeable": True,
        "generalLedgerAccount": {"id": account, "name": account_name, "number": str(account),
                                 "type": "Income", "detailType": "Income"},
        "costOfSaleAccount": None, "assetAccount": None,
        "membershipTypeId": 0,  # a non-nullable int64 in the spec: 0 when there is none
        "itemGroup": None, "displayName": sku.display_name, "soldHours": sku.hours,
        "createdOn": iso(times.created[k]), "modifiedOn": iso(times.modified[k]),
        "serviceDate": iso_midnight(times.created[k]), "order": k - tree.start[job] + 1,
        "businessUnit": _business_unit(t, job), "createdById": None, "displayInAmount": None,
        "importId": None, "exportId": None, "inventoryStatus": None, "addOn": False,
        "memberPrice": None, "technicianId": t.id("technicians", lead_technician(t, job)),
        "installedEquipmentId": None, "estimateItemId": None,
    }


def _short_address(full: dict) -> dict:
    return {key: full[key] for key in ("street", "unit", "city", "state", "zip", "country")}


def invoice(t: Tenant, i: int) -> dict:
    """Invoice i (one per job, same index), its items embedded."""
    d = Dice(t.seed, "invoices", i)
    times = t.times["invoices"]
    c, loc = job_customer(t, i)
    amounts = invoice_amounts(t, i)
    total = amounts.subtotal + amounts.tax
    completed = t.extra["job_completed"][i]
    payments = t.trees["payments"].children(i)
    paid_on = t.times["payments"].created[payments[-1]] if payments else 0
    city_index = location_city(t, loc)
    city = CITIES[city_index]
    project = job_project(t, i)
    seller = staff_member(t, "technician", lead_technician(t, i))
    items = [embedded_invoice_item(t, k) for k in t.trees["invoice_items"].children(i)]
    return {
        "summary": None, "items": items, "customFields": [], "active": bool(times.active[i]),
        "discountTotal": "0.00", "importId": None, "exportId": None, "materialSkuId": None,
        "membershipId": None, "paidOn": iso(paid_on) if payments and amounts.paid >= total
        else None, "invoiceConfiguration": "JobInvoice", "id": t.id("invoices", i),
        "syncStatus": "Posted" if payments else "Pending", "budgetCodeId": None,
        "referenceNumber": str(t.id("jobs", i)),
        "invoiceDate": iso_midnight(completed or times.created[i]),
        "dueDate": iso_midnight((completed or times.created[i]) + 30 * DAY),
        "subTotal": money(amounts.subtotal / 100), "salesTax": money(amounts.tax / 100),
        "salesTaxCode": {"id": 300 + city_index, "name": f"{city.name}, {city.state}",
                         "taxRate": city.tax_rate},
        "taxZoneId": 100 + city_index, "total": money(total / 100),
        "balance": money((total - amounts.paid) / 100), "invoiceType": None,
        "customer": _named(t, "customers", c, customer_name(t, c)),
        "customerAddress": _short_address(customer_address(t, c)),
        "location": _named(t, "locations", loc, location_name(t, loc)),
        "locationAddress": _short_address(location_address(t, loc)),
        "businessUnit": _business_unit(t, i), "termName": "Due Upon Receipt",
        "createdBy": staff_member(t, "employee", d.below(t.count("employees"))).name.strip(),
        "batch": None, "depositedOn": None, "createdOn": iso(times.created[i]),
        "modifiedOn": iso(times.modified[i]), "adjustmentToId": None,
        "job": {"id": t.id("jobs", i), "number": str(t.id("jobs", i)),
                "type": JOB_TYPES[job_type_index(t, i)].name},
        "projectId": None if project is None else t.id("projects", project), "royalty": None,
        "employeeInfo": {"id": t.id("technicians", lead_technician(t, i)),
                         "name": seller.name.strip(), "modifiedOn": iso(times.modified[i])}
        if completed else None,
        "commissionEligibilityDate": None, "sentStatus": "Sent" if completed else "NotSent",
        "reviewStatus": "Reviewed" if payments else "NeedsReview", "assignedTo": None,
    }


def payment(t: Tenant, p: int) -> dict:
    d = Dice(t.seed, "payments.fields", p)
    times = t.times["payments"]
    i = t.trees["payments"].parent(p)
    c = job_customer(t, i)[0]
    amount = money(t.extra["payment_amount"][p] / 100)
    kind, type_id = d.pick(PAYMENT_TYPES)
    clerk = staff_member(t, "employee", d.below(t.count("employees"))).name.strip()
    return {
        "active": bool(times.active[p]),
        "appliedTo": [{"appliedAmount": amount, "appliedBy": clerk, "appliedId": 900_000 + p,
                       "appliedOn": iso(times.created[p]), "appliedTo": t.id("invoices", i),
                       "appliedToReferenceNumber": str(t.id("jobs", i))}],
        "authCode": f"{d.below(1_000_000):06d}" if kind == "Credit Card" else None,
        "batch": None, "businessUnit": _business_unit(t, i),
        "checkNumber": str(d.between(1001, 9999)) if kind == "Check" else None,
        "createdBy": clerk, "createdOn": iso(times.created[p]),
        "customer": _named(t, "customers", c, customer_name(t, c)), "customFields": None,
        "date": iso(times.created[p]), "deposit": None,
        "generalLedgerAccount": {"id": 1200, "name": "Undeposited Funds", "number": "1200",
                                 "type": "Asset", "detailType": "Other Current Asset"},
        "id": t.id("payments", p), "memo": None, "modifiedOn": iso(times.modified[p]),
        "referenceNumber": str(t.id("payments", p)), "refundedPaymentId": None,
        "syncStatus": "Posted", "total": amount, "type": kind, "typeId": type_id,
        "unappliedAmount": "0.00",
    }
