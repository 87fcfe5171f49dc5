"""Reference data: business units, job types, campaigns (small, fixed lists)."""

from __future__ import annotations

from sandbox.people import DOMAIN
from sandbox.servicetitan.data.common import slug
from sandbox.servicetitan.layout import Tenant
from sandbox.servicetitan.timefmt import iso
from sandbox.servicetitan.vocab import BUSINESS_UNITS, CAMPAIGNS, JOB_TYPES

COMPANY = "PerfectCatch Home Services"
TRADES = {"HVAC": 1, "Plumbing": 2, "Electrical": 3}


def _stamps(t: Tenant, resource: str, i: int) -> dict:
    times = t.times[resource]
    return {"createdOn": iso(times.created[i]), "modifiedOn": iso(times.modified[i])}


def business_unit(t: Tenant, i: int) -> dict:
    unit = BUSINESS_UNITS[i]
    return {
        "id": t.id("business_units", i), "active": bool(t.times["business_units"].active[i]),
        "name": unit.name, "officialName": f"{COMPANY} - {unit.name}",
        "email": f"{slug(unit.trade)}@{DOMAIN}", "currency": "USD",
        "phoneNumber": "+14075550100", "invoiceHeader": None,
        "invoiceMessage": "<p>Thank you for choosing PerfectCatch!</p>",
        "defaultTaxRate": 6.5, "authorizationParagraph": None, "acknowledgementParagraph": None,
        "address": {"street": "2400 Commerce Park Dr", "unit": "Suite 200", "city": "Orlando",
                    "state": "FL", "zip": "32819", "country": "USA", "latitude": 28.4589,
                    "longitude": -81.4501, "isManualCoordinates": False, "isMilitary": False},
        "materialSku": None, "quickbooksClass": unit.trade, "accountCode": None,
        "franchiseId": None, "conceptCode": None, "corporateContractNumber": None,
        "trade": {"id": TRADES[unit.trade], "name": unit.trade}, "division": None,
        "tagTypeIds": [],
        "tenant": {"id": t.tenant_id, "name": COMPANY, "accountCode": None, "franchiseId": None,
                   "conceptCode": None, "modifiedOn": iso(t.start)},
        **_stamps(t, "business_units", i), "externalData": [],
        "certifiedSentriconSpecialistCode": None,
    }


def job_type(t: Tenant, i: int) -> dict:
    kind = JOB_TYPES[i]
    return {
        "id": t.id("job_types", i), "name": kind.name,
        "businessUnitIds": [t.id("business_units", kind.business_unit)], "skills": [],
        "tagTypeIds": [], "priority": kind.priority, "duration": kind.hours * 3600,
        "soldThreshold": None, "class": "", "summary": "", "noCharge": "Warranty" in kind.name,
        "enforceRecurringServiceEventSelection": None, "invoiceSignaturesRequired": False,
        **_stamps(t, "job_types", i), "externalData": [],
        "active": bool(t.times["job_types"].active[i]), "isSmartDispatched": False,
        "defaultEstimateSoldAction": "", "customFieldTypeIds": [],
    }


def campaign(t: Tenant, i: int) -> dict:
    item = CAMPAIGNS[i]
    return {
        "id": t.id("campaigns", i), "name": item.name, **_stamps(t, "campaigns", i),
        "active": bool(t.times["campaigns"].active[i]), "isDefaultCampaign": i == 0,
        "category": {"id": 20 + i % 5, "name": item.category, "active": True},
        "source": item.source, "otherSource": None, "businessUnit": None,
        "medium": item.medium, "otherMedium": None, "campaignPhoneNumbers": [],
    }
