"""Jobs, appointments, appointment assignments and projects (JPM and dispatch modules)."""

from __future__ import annotations

from sandbox.servicetitan.data.common import employee_id, lead_technician
from sandbox.servicetitan.data.facts import (
    invoice_amounts,
    job_customer,
    job_project,
    job_type_index,
)
from sandbox.servicetitan.data.staff import technician_name
from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import APPOINTMENT_STATUSES, JOB_STATUSES, Tenant
from sandbox.servicetitan.timefmt import HOUR, iso
from sandbox.servicetitan.vocab import (
    ACTIVE_CAMPAIGNS,
    JOB_SUMMARIES,
    JOB_TYPES,
    SPECIAL_INSTRUCTIONS,
)

ASSIGNMENT_STATUS = {"Done": "Done", "Working": "Working", "Dispatched": "Dispatched"}


def _optional_id(t: Tenant, resource: str, index: int | None) -> int | None:
    return None if index is None else t.id(resource, index)


def job(t: Tenant, j: int) -> dict:
    d = Dice(t.seed, "jobs", j)
    times = t.times["jobs"]
    c, loc = job_customer(t, j)
    kind = job_type_index(t, j)
    appointments = t.trees["appointments"].children(j)
    estimates = t.trees["estimates"].children(j)
    sold = any(t.extra["estimate_status"][e] == 1 for e in estimates)
    memberships = t.trees["memberships"].children(c)
    completed = t.extra["job_completed"][j]
    return {
        "summary": d.pick(JOB_SUMMARIES), "customFields": [], "externalData": [],
        "summaryOfWork": None, "id": t.id("jobs", j), "jobNumber": str(t.id("jobs", j)),
        "projectId": _optional_id(t, "projects", job_project(t, j)),
        "customerId": t.id("customers", c), "locationId": t.id("locations", loc),
        "jobStatus": JOB_STATUSES[t.extra["job_status"][j]],
        "completedOn": iso(completed) if completed else None,
        "businessUnitId": t.id("business_units", JOB_TYPES[kind].business_unit),
        "jobTypeId": t.id("job_types", kind), "priority": JOB_TYPES[kind].priority,
        "campaignId": t.id("campaigns", ACTIVE_CAMPAIGNS[d.below(len(ACTIVE_CAMPAIGNS))]),
        "appointmentCount": len(appointments),
        "firstAppointmentId": t.id("appointments", appointments[0]),
        "lastAppointmentId": t.id("appointments", appointments[-1]),
        "recallForId": None, "warrantyId": None, "jobGeneratedLeadSource": None,
        "noCharge": False, "notificationsEnabled": not d.chance(0.05),
        "createdOn": iso(times.created[j]), "createdById": employee_id(t, d),
        "modifiedOn": iso(times.modified[j]), "tagTypeIds": [], "leadCallId": None,
        "partnerLeadCallId": None, "bookingId": None,
        "soldById": t.id("technicians", lead_technician(t, j)) if sold else None,
        "customerPo": "", "invoiceId": t.id("invoices", j),
        "membershipId": t.id("memberships", memberships.start)
        if memberships and d.chance(0.5) else None,
        "total": invoice_amounts(t, j).total, "createdFromEstimateId": None,
        "estimateIds": [t.id("estimates", e) for e in estimates], "equipmentIds": [],
        "isAutoDispatched": None, "active": bool(times.active[j]),
    }


def appointment(t: Tenant, a: int) -> dict:
    d = Dice(t.seed, "appointments", a)
    times, tree = t.times["appointments"], t.trees["appointments"]
    j = tree.parent(a)
    start, end = t.extra["appointment_start"][a], t.extra["appointment_end"][a]
    return {
        "appointmentSummaries": None, "id": t.id("appointments", a),
        "jobId": t.id("jobs", j),
        "appointmentNumber": f"{t.id('jobs', j)}-{a - tree.start[j] + 1}",
        "start": iso(start), "end": iso(end),
        "arrivalWindowStart": iso(start), "arrivalWindowEnd": iso(start + 2 * HOUR),
        "status": APPOINTMENT_STATUSES[t.extra["appointment_status"][a]],
        "specialInstructions": d.pick(SPECIAL_INSTRUCTIONS) if d.chance(0.2) else None,
        "createdOn": iso(times.created[a]), "modifiedOn": iso(times.modified[a]),
        "customerId": t.id("customers", job_customer(t, j)[0]), "unused": False,
        "createdById": employee_id(t, d), "isConfirmed": d.chance(0.6),
        "active": bool(times.active[a]),
    }


def appointment_assignment(t: Tenant, k: int) -> dict:
    d = Dice(t.seed, "appointment_assignments", k)
    times, tree = t.times["appointment_assignments"], t.trees["appointment_assignments"]
    a = tree.parent(k)
    j = t.trees["appointments"].parent(a)
    first = k == tree.start[a] and a == t.trees["appointments"].start[j]
    techs = t.active_technicians
    tech = lead_technician(t, j) if first else techs[d.below(len(techs))]
    status = APPOINTMENT_STATUSES[t.extra["appointment_status"][a]]
    return {
        "id": t.id("appointment_assignments", k), "technicianId": t.id("technicians", tech),
        "technicianName": technician_name(t, tech), "assignedById": employee_id(t, d),
        "assignedOn": iso(times.created[k]), "status": ASSIGNMENT_STATUS.get(status, "Scheduled"),
        "isPaused": False, "jobId": t.id("jobs", j), "appointmentId": t.id("appointments", a),
        "createdOn": iso(times.created[k]), "modifiedOn": iso(times.modified[k]),
        "active": bool(times.active[k]),
    }


def project(t: Tenant, p: int) -> dict:
    d = Dice(t.seed, "projects", p)
    times = t.times["projects"]
    c = t.trees["projects"].parent(p)
    loc = t.trees["locations"].start[c]
    jobs = t.trees["jobs"].children(loc)
    done = all(t.extra["job_status"][j] >= 4 for j in jobs)  # Completed or Canceled
    return {
        "id": t.id("projects", p), "number": str(t.id("projects", p)),
        "name": d.pick(("Whole-home comfort upgrade", "Tenant improvement", "New construction",
                        "Repipe", "Rooftop unit replacement")),
        "summary": None, "status": "Completed" if done else "In Progress",
        "statusId": 2 if done else 1, "subStatus": None, "subStatusId": None,
        "customerId": t.id("customers", c), "locationId": t.id("locations", loc),
        "projectTypeId": 1 + d.below(3), "projectManagerIds": [employee_id(t, d)],
        "businessUnitIds": [t.id("business_units", 1)],
        "startDate": iso(times.created[p]), "targetCompletionDate": None,
        "actualCompletionDate": iso(times.modified[p]) if done else None,
        "modifiedOn": iso(times.modified[p]), "createdOn": iso(times.created[p]),
        "customFields": [], "externalData": [], "jobIds": [t.id("jobs", j) for j in jobs],
        "active": bool(times.active[p]),
    }
