"""Planning of jobs, their visits, crews and estimates."""

from __future__ import annotations

from array import array

from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import APPOINTMENT_STATUSES, JOB_STATUSES, Tenant, Tree
from sandbox.servicetitan.plans.base import APPT, JOB, copy_parent_times, later
from sandbox.servicetitan.timefmt import DAY, HOUR, MINUTE
from sandbox.servicetitan.vocab import (
    ACTIVE_JOB_TYPES,
    BUSINESS_UNITS,
    JOB_TYPES,
    REFRIGERANT,
    REPAIR_SKUS,
    REPLACEMENT_SKUS,
)


def _appointment_status(start: int, end: int, horizon: int, canceled: bool) -> int:
    if canceled:
        return APPT["Canceled"]
    if end <= horizon:
        return APPT["Done"]
    if start <= horizon:
        return APPT["Working"]
    return APPT["Dispatched"] if start - horizon <= DAY else APPT["Scheduled"]


def _job_status(appointments: list[int], canceled: bool) -> int:
    done = [s == APPT["Done"] for s in appointments]
    if canceled:
        return JOB["Canceled"]
    if all(done):
        return JOB["Completed"]
    if APPT["Working"] in appointments:
        return JOB["InProgress"]
    if any(done):
        return JOB["Hold"]  # waiting for the follow-up visit (parts on order)
    return JOB["Dispatched"] if appointments[0] == APPT["Dispatched"] else JOB["Scheduled"]


def plan_jobs(t: Tenant) -> None:
    """Jobs (recent ones more likely) and their appointments: one visit, sometimes a
    follow-up. A job's status follows its visits relative to ``end``."""
    loc_created, tree, end = t.times["locations"].created, t.trees["jobs"], t.end
    jobs, appts = t.new_times("jobs"), t.new_times("appointments")
    job_status, completed, n_appts = bytearray(), array("q"), []
    a_start, a_end, a_status = array("q"), array("q"), bytearray()
    for loc in range(len(loc_created)):
        for j in tree.children(loc):
            d = Dice(t.seed, "jobs.plan", j)
            created = min(end, later(d, loc_created[loc], end, 0.5))
            first = created + 4 * HOUR + int(d.unit() * 6 * DAY)
            starts = [first + HOUR - first % HOUR]
            if d.chance(0.12):
                starts.append(starts[0] + DAY * d.between(3, 14))
            ends = [s + HOUR * d.between(1, 4) for s in starts]
            canceled = d.chance(0.07)
            statuses = [_appointment_status(s, e, end, canceled)
                        for s, e in zip(starts, ends, strict=True)]
            status = _job_status(statuses, canceled)
            done_at = min(end, ends[-1] + MINUTE * d.below(45))
            modified = {"Completed": done_at, "Canceled": later(d, created, min(end, first)),
                        "InProgress": min(end, starts[-1]), "Hold": min(end, ends[0])}.get(
                JOB_STATUSES[status], created)
            if d.chance(0.1):
                modified = later(d, modified, end)
            jobs.add(created, max(created, modified), not d.chance(0.02))
            job_status.append(status)
            completed.append(done_at if JOB_STATUSES[status] == "Completed" else 0)
            n_appts.append(len(starts))
            for k, (s, e, st) in enumerate(zip(starts, ends, statuses, strict=True)):
                a_created = created if k == 0 else min(end, ends[0])
                a_modified = {"Done": min(end, e + MINUTE * d.below(30)), "Working": min(end, s),
                              "Canceled": modified}.get(APPOINTMENT_STATUSES[st], a_created)
                appts.add(a_created, max(a_created, a_modified), not d.chance(0.02))
                a_start.append(s)
                a_end.append(e)
                a_status.append(st)
    t.trees["appointments"] = Tree(n_appts)
    t.extra.update(job_status=job_status, job_completed=completed, appointment_start=a_start,
                   appointment_end=a_end, appointment_status=a_status)


def plan_job_facts(t: Tenant) -> None:
    """Each job's type and lead technician (first on its first visit, seller of its
    estimates): looked up by many generators, so kept in arrays."""
    techs = t.active_technicians
    kinds, leads = bytearray(), array("H")
    for j in range(t.count("jobs")):
        kinds.append(ACTIVE_JOB_TYPES[Dice(t.seed, "jobs.type", j).below(len(ACTIVE_JOB_TYPES))])
        leads.append(techs[Dice(t.seed, "jobs.tech", j).below(len(techs))])
    t.extra.update(job_type=kinds, job_tech=leads)


def plan_lines(t: Tenant, items: str, job_of, leads_with_equipment) -> None:
    """The price-book item and quantity of every estimate or invoice item, from the trade of
    its job (``job_of(parent)``): the first item of a parent for which
    ``leads_with_equipment(parent)`` is equipment, the rest repairs and parts."""
    tree = t.trees[items]
    skus, quantities = bytearray(), bytearray()
    for parent in range(len(tree.start) - 1):
        kind = JOB_TYPES[t.extra["job_type"][job_of(parent)]]
        trade = BUSINESS_UNITS[kind.business_unit].trade
        big = leads_with_equipment(parent)
        for k in tree.children(parent):
            d = Dice(t.seed, f"{items}.line", k)
            lead = big and k == tree.start[parent]
            sku = d.pick((REPLACEMENT_SKUS if lead else REPAIR_SKUS)[trade])
            skus.append(sku)
            quantities.append(d.between(2, 6) if sku == REFRIGERANT else 1)
    t.extra[f"{items}_sku"], t.extra[f"{items}_qty"] = skus, quantities


def plan_assignments(t: Tenant) -> None:
    """One technician per visit, sometimes two; assignments of canceled visits are inactive."""
    appts, status = t.times["appointments"], t.extra["appointment_status"]
    counts = [1 + Dice(t.seed, "appointments.crew", a).chance(0.15) for a in range(len(appts))]
    t.trees["appointment_assignments"] = Tree(counts)
    times = t.new_times("appointment_assignments")
    for a in range(len(counts)):
        for k in t.trees["appointment_assignments"].children(a):
            d = Dice(t.seed, "appointment_assignments.plan", k)
            created = min(t.end, appts.created[a] + MINUTE * d.below(60))
            active = status[a] != APPT["Canceled"] and not d.chance(0.02)
            times.add(created, max(created, appts.modified[a]), active)


def plan_estimates(t: Tenant) -> None:
    """Estimates are written during the first visit; recent ones are mostly still open."""
    jobs, first_appt = t.times["jobs"], t.trees["appointments"].start
    a_start, a_end, end = t.extra["appointment_start"], t.extra["appointment_end"], t.end
    counts = [0 if a_start[first_appt[j]] > end else
              Dice(t.seed, "jobs.estimates", j).weighted((45, 40, 15)) for j in range(len(jobs))]
    tree = t.trees["estimates"] = Tree(counts)
    times, status, items = t.new_times("estimates"), bytearray(), []
    for j in range(len(jobs)):
        visit_start, visit_end = a_start[first_appt[j]], a_end[first_appt[j]]
        for e in tree.children(j):
            d = Dice(t.seed, "estimates.plan", e)
            created = min(end, later(d, visit_start, visit_end))
            fresh = end - created < 30 * DAY
            code = d.weighted((75, 20, 5) if fresh else (20, 35, 45))
            decided = min(end, created + int(d.unit() * 20 * DAY))
            times.add(created, decided if code else created, not d.chance(0.03))
            status.append(code)
            items.append(1 + d.weighted((20, 35, 25, 15, 5)))
    t.extra["estimate_status"] = status
    t.trees["estimate_items"] = Tree(items)
    kinds = bytearray(Dice(t.seed, "estimates.kind", e).chance(0.45) for e in range(len(status)))
    t.extra["estimate_replacement"] = kinds
    plan_lines(t, "estimate_items", tree.parent, kinds.__getitem__)
    copy_parent_times(t, "estimate_items", "estimates", modified_from="created")
