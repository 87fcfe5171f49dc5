"""CRM records: customers, locations and their contacts (``Crm.V2.Export*Response``)."""

from __future__ import annotations

from sandbox.servicetitan.data.common import (
    customer_address,
    customer_city,
    customer_name,
    email_address,
    employee_id,
    location_address,
    location_city,
    location_name,
    mobile_number,
)
from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import Tenant
from sandbox.servicetitan.timefmt import iso

CUSTOM_FIELDS = ((9001, "Gate Code", ("1234#", "0000", "*5678")),
                 (9002, "Referral Source", ("Neighbor", "Google", "Facebook", "Realtor")),
                 (9003, "Pets", ("Dog", "Two cats", "None")))
CONTACT_MEMOS = ("Cell", "Spouse", "Work", "Home", "Tenant - call first", "Office manager")
LOCATION_CONTACT_MEMOS = ("Tenant", "Site manager", "Front desk", "Property manager")
# Location contacts draw phone numbers from their own block so no two contacts share one.
LOCATION_SERIAL_OFFSET = 3_000_000


def _custom_fields(d: Dice) -> list[dict]:
    if not d.chance(0.3):
        return []
    type_id, name, values = d.pick(CUSTOM_FIELDS)
    return [{"typeId": type_id, "name": name, "value": d.pick(values)}]


def customer(t: Tenant, c: int) -> dict:
    d = Dice(t.seed, "customers", c)
    times = t.times["customers"]
    active = bool(times.active[c])
    merged = not active and c > 0 and d.chance(0.4)
    return {
        "id": t.id("customers", c),
        "active": active,
        "name": customer_name(t, c),
        "type": "Commercial" if t.extra["commercial"][c] else "Residential",
        "address": customer_address(t, c),
        "customFields": _custom_fields(d),
        "balance": t.extra["customer_balance"][c] / 100,
        "taxExempt": bool(t.extra["commercial"][c]) and d.chance(0.1),
        "tagTypeIds": [d.between(401, 406)] if d.chance(0.15) else [],
        "doNotMail": d.chance(0.04),
        "doNotService": d.chance(0.02),
        "nationalAccount": False,
        "createdOn": iso(times.created[c]),
        "createdById": employee_id(t, d),
        "modifiedOn": iso(times.modified[c]),
        "mergedToId": t.id("customers", c - 1) if merged else None,
        "paymentTermId": None,
        "creditLimit": None,
        "creditLimitBalance": None,
        "externalData": [],
    }


def _contact(d: Dice, kind: str, value: str, memos: tuple[str, ...]) -> dict:
    """The fields customer and location contacts share. Email and fax contacts carry no
    phone settings (null)."""
    phone = kind in ("MobilePhone", "Phone")
    return {
        "type": kind,
        "value": value,
        "memo": d.pick(memos) if d.chance(0.3) else None,
        "phoneSettings": {"phoneNumber": value, "doNotText": d.chance(0.06)} if phone else None,
        "preferences": None if d.chance(0.1) else {
            "jobRemindersEnabled": d.chance(0.9),
            "marketingUpdatesEnabled": d.chance(0.7),
            "invoiceStatementNotification": d.chance(0.5),
            "invoiceNotification": d.chance(0.6),
            "statementNotification": d.chance(0.4),
        },
    }


def _contact_kind(d: Dice, position: int) -> str:
    """First contact: a mobile (sometimes a landline); second: an email; third: another
    phone, rarely a fax."""
    if position == 0:
        return "MobilePhone" if d.chance(0.85) else "Phone"
    if position == 1:
        return "Email" if d.chance(0.8) else "MobilePhone"
    return ("Phone", "MobilePhone", "Fax")[d.weighted((60, 35, 5))]


def _contact_value(kind: str, name: str, city_index: int, serial: int) -> str:
    return email_address(name, serial) if kind == "Email" else mobile_number(city_index, serial)


def customer_contact(t: Tenant, k: int) -> dict:
    tree, times = t.trees["customer_contacts"], t.times["customer_contacts"]
    c = tree.parent(k)
    d = Dice(t.seed, "customer_contacts", k)
    kind = _contact_kind(d, k - tree.start[c])
    value = _contact_value(kind, customer_name(t, c), customer_city(t, c), k)
    return {
        "id": t.id("customer_contacts", k),
        **_contact(d, kind, value, CONTACT_MEMOS),
        "customerId": t.id("customers", c),
        "createdOn": iso(times.created[k]),
        "modifiedOn": iso(times.modified[k]),
        "active": bool(times.active[k]),
    }


def location(t: Tenant, loc: int) -> dict:
    d = Dice(t.seed, "locations", loc)
    times = t.times["locations"]
    city_index = location_city(t, loc)
    return {
        "taxZoneId": 100 + city_index,
        "id": t.id("locations", loc),
        "customerId": t.id("customers", t.trees["locations"].parent(loc)),
        "active": bool(times.active[loc]),
        "name": location_name(t, loc),
        "address": location_address(t, loc),
        "customFields": _custom_fields(d),
        "createdOn": iso(times.created[loc]),
        "createdById": employee_id(t, d),
        "modifiedOn": iso(times.modified[loc]),
        "mergedToId": None,
        "zoneId": 1 + city_index,
        "taxExempt": False,
        "tagTypeIds": [],
        "externalData": [],
    }


def location_contact(t: Tenant, k: int) -> dict:
    tree, times = t.trees["location_contacts"], t.times["location_contacts"]
    loc = tree.parent(k)
    d = Dice(t.seed, "location_contacts", k)
    kind = ("MobilePhone", "Phone", "Email")[d.weighted((60, 25, 15))]
    value = _contact_value(kind, location_name(t, loc), location_city(t, loc),
                           LOCATION_SERIAL_OFFSET + k)
    return {
        "id": t.id("location_contacts", k),
        **_contact(d, kind, value, LOCATION_CONTACT_MEMOS),
        "locationId": t.id("locations", loc),
        "createdOn": iso(times.created[k]),
        "modifiedOn": iso(times.modified[k]),
        "active": bool(times.active[k]),
    }
