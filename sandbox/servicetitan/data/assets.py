"""Installed equipment and memberships."""

from __future__ import annotations

from sandbox.servicetitan.data.common import employee_id
from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import MEMBERSHIP_STATUSES, Tenant
from sandbox.servicetitan.timefmt import DAY, YEAR, iso, iso_date, iso_midnight
from sandbox.servicetitan.vocab import EQUIPMENT_MODELS, EQUIPMENT_TYPES, MEMBERSHIP_TYPES


def installed_equipment(t: Tenant, k: int) -> dict:
    d = Dice(t.seed, "installed_equipment", k)
    times = t.times["installed_equipment"]
    loc = t.trees["installed_equipment"].parent(k)
    maker, model, kind, name = d.pick(EQUIPMENT_MODELS)
    installed = times.created[k] - (0 if d.chance(0.4) else d.between(30, 3650) * DAY)
    life_months = d.pick((120, 144, 180))
    warranty = d.chance(0.6)
    return {
        "id": t.id("installed_equipment", k), "active": bool(times.active[k]),
        "equipmentId": None, "locationId": t.id("locations", loc),
        "customerId": t.id("customers", t.trees["locations"].parent(loc)),
        "invoiceItemId": None, "name": f"{maker} {name}",
        "type": {"id": 600 + EQUIPMENT_TYPES.index(kind), "name": kind},
        "installedOn": iso_midnight(installed), "createdOn": iso(times.created[k]),
        "modifiedOn": iso(times.modified[k]),
        "serialNumber": f"{maker[:2].upper()}{d.below(10**9):09d}", "barcodeId": None,
        "memo": "" if d.chance(0.7) else "Located in the attic.", "manufacturer": maker,
        "model": model, "cost": d.money(150, 9000), "status": "Installed" if d.chance(0.9)
        else "Replaced",
        "manufacturerWarrantyStart": iso_midnight(installed) if warranty else None,
        "manufacturerWarrantyEnd": iso_midnight(installed + 10 * YEAR) if warranty else None,
        "serviceProviderWarrantyStart": None, "serviceProviderWarrantyEnd": None,
        "tags": None, "actualReplacementDate": None,
        "manufacturedOn": iso_date(installed - d.between(30, 400) * DAY),
        "predictedReplacementMonths": life_months,
        "predictedReplacementDate": iso_date(installed + life_months * 30 * DAY),
    }


def membership(t: Tenant, m: int) -> dict:
    d = Dice(t.seed, "memberships", m)
    times = t.times["memberships"]
    c = t.trees["memberships"].parent(m)
    start = times.created[m]
    status = MEMBERSHIP_STATUSES[t.extra["membership_status"][m]]
    type_id, _name = d.pick(MEMBERSHIP_TYPES)
    monthly = d.chance(0.6)
    return {
        "id": t.id("memberships", m), "createdOn": iso(start), "createdById": employee_id(t, d),
        "modifiedOn": iso(times.modified[m]), "followUpOn": iso_midnight(start + YEAR - 30 * DAY),
        "cancellationDate": iso(times.modified[m]) if status == "Canceled" else None,
        "from": iso_midnight(start), "nextScheduledBillDate":
        iso_midnight(start + 30 * DAY) if status == "Active" and monthly else None,
        "to": iso_midnight(start + YEAR), "billingFrequency": "Monthly" if monthly else "Annual",
        "renewalBillingFrequency": None, "status": status,
        "followUpStatus": "NotAttempted", "active": bool(times.active[m]),
        "initialDeferredRevenue": 0.0, "duration": 12, "renewalDuration": None,
        "businessUnitId": t.id("business_units", 5), "customerId": t.id("customers", c),
        "membershipTypeId": type_id, "activatedById": None, "activatedFromId": None,
        "billingTemplateId": None, "cancellationBalanceInvoiceId": None,
        "cancellationInvoiceId": None, "followUpCustomStatusId": None,
        "locationId": t.id("locations", t.trees["locations"].start[c]),
        "paymentMethodId": None, "paymentTypeId": None, "recurringLocationId": None,
        "renewalMembershipTaskId": None, "renewedById": None, "soldById": None,
        "customerPo": None, "importId": None, "memo": None, "customFields": [],
    }
