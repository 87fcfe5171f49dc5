"""Technicians and employees (``TenantSettings.V2.Export*Response``).

The first ones are the real staff list of ``sandbox.people`` (so GHL users match them by
email); larger tenants add generated technicians and office staff, whose addresses exist
only here.
"""

from __future__ import annotations

from sandbox.people import DOMAIN, EMPLOYEES, TECHNICIANS, StaffMember
from sandbox.servicetitan.data.common import customer_address, memo, person_name, slug
from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import Tenant
from sandbox.servicetitan.timefmt import DAY, iso
from sandbox.servicetitan.vocab import BUSINESS_UNITS

TEAMS = ("Install Crew", "Service Team", "Electrical", "Plumbing")
POSITIONS = ("Service", "Installer", "Sales", "Maintenance", "Helper")
EMPLOYEE_ROLES = ("CSR", "Dispatch", "Accounting", "SalesManager", "Admin", "GeneralOffice")


@memo
def staff_member(t: Tenant, role: str, index: int) -> StaffMember:
    """Named staff first, then generated ones with unique 555 numbers and emails."""
    named = TECHNICIANS if role == "technician" else EMPLOYEES
    if index < len(named):
        return named[index]
    first, last = person_name(Dice(t.seed, f"{role}.person", index))
    local = ".".join(filter(None, (slug(first), slug(last)))) or role
    block = 2000 if role == "technician" else 3000
    return StaffMember(first, last, f"{local}{index}@{DOMAIN}", f"+1407555{block + index:04d}",
                       role, in_ghl=False)


def technician_name(t: Tenant, index: int) -> str:
    return staff_member(t, "technician", index).name.strip()


def _home(d: Dice, t: Tenant, index: int) -> dict:
    home = customer_address(t, index % t.count("customers"))
    return {key: home[key] for key in ("street", "unit", "country", "city", "state", "zip")}


def technician(t: Tenant, i: int) -> dict:
    d = Dice(t.seed, "technicians", i)
    times, person = t.times["technicians"], staff_member(t, "technician", i)
    home = _home(d, t, i)
    unit = d.below(len(BUSINESS_UNITS) - 1)
    return {
        "id": t.id("technicians", i), "userId": 50_000 + i, "name": person.name.strip(),
        "roleIds": [3], "businessUnitId": t.id("business_units", unit), "mainZoneId": 1,
        "zoneIds": [1, 2], "createdOn": iso(times.created[i]), "modifiedOn": iso(times.modified[i]),
        "email": person.email, "phoneNumber": person.phone,
        "loginName": person.email.split("@")[0],
        "home": {**home, "streetAddress": home["street"], "latitude": None, "longitude": None},
        "dailyGoal": float(d.pick((1500, 2000, 2500, 3000))), "isManagedTech": True,
        "licenseType": "ManagedTech", "customFields": [], "active": bool(times.active[i]),
        "aadUserId": None, "burdenRate": 12.5, "team": d.pick(TEAMS),
        "jobFilter": "AllScheduledDispatchedWorking", "permissions": [], "accountLocked": False,
        "commissionRate": 0.05, "currentValue": None, "firstName": person.first_name,
        "lastName": person.last_name or None, "hourlyRate": float(d.between(24, 45)),
        "jobId": None, "mobilePhone": person.phone, "outboundCallerId": None,
        "payrollId": f"P{1000 + i}", "payrollProfileId": None, "appoitmentId": None,
        "shiftStart": "08:00:00", "shiftEnd": "17:00:00", "soldByRate": 0.03,
        "startDate": iso(times.created[i] + 14 * DAY), "status": "Idle",
        "skills": [{"id": 11, "name": "HVAC"}] if d.chance(0.7) else [],
        "positions": [d.pick(POSITIONS)], "location": None, "bio": None, "memo": None,
    }


def employee(t: Tenant, i: int) -> dict:
    d = Dice(t.seed, "employees", i)
    times, person = t.times["employees"], staff_member(t, "employee", i)
    return {
        "customFields": [], "permissions": [], "id": t.id("employees", i),
        "userId": 60_000 + i, "name": person.name.strip(), "firstName": person.first_name,
        "lastName": person.last_name or None,
        "managerId": t.id("employees", 0) if i else None,
        "role": EMPLOYEE_ROLES[i % len(EMPLOYEE_ROLES)], "roleIds": [1 + i % 4],
        "businessUnitId": None, "createdOn": iso(times.created[i]),
        "modifiedOn": iso(times.modified[i]), "email": person.email,
        "phoneNumber": person.phone, "loginName": person.email.split("@")[0],
        "active": bool(times.active[i]), "aadUserId": None, "accountLocked": False,
        "home": _home(d, t, i + 7), "agentId": 0,
        "startDate": iso(times.created[i] + 7 * DAY),
        "terminationDate": None if times.active[i] else iso(times.modified[i]),
        "hourlyRate": float(d.between(18, 32)), "overtimeProfileId": None,
    }
