"""Planning steps for ``layout.build_tenant``: counts, ownership and times of every resource.

Each step walks the parents it depends on and decides, with a ``Dice`` per record, how many
children each has and when they happened. Steps run in ``STEPS`` order because children need
their parents' times. Times only move forward: a child is created after its parent and every
base record is last modified by ``tenant.end``.
"""

from __future__ import annotations

from array import array

from sandbox.people import EMPLOYEES, TECHNICIANS
from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import (
    APPOINTMENT_STATUSES,
    ESTIMATE_STATUSES,
    JOB_STATUSES,
    MEMBERSHIP_STATUSES,
    Tenant,
    Tree,
)
from sandbox.servicetitan.timefmt import DAY, HOUR, MINUTE, YEAR
from sandbox.servicetitan.vocab import BUSINESS_UNITS, CAMPAIGNS, JOB_TYPES

_JOB = {name: code for code, name in enumerate(JOB_STATUSES)}
_APPT = {name: code for code, name in enumerate(APPOINTMENT_STATUSES)}
_EST = {name: code for code, name in enumerate(ESTIMATE_STATUSES)}
_MEMBER = {name: code for code, name in enumerate(MEMBERSHIP_STATUSES)}


def _later(d: Dice, start: int, end: int, power: float = 1.0) -> int:
    """A time in [start, end]; ``power`` > 1 keeps it close to ``start``."""
    return start + int(max(0, end - start) * d.unit() ** power)


def plan_settings(t: Tenant) -> None:
    """Staff and reference data: staff from sandbox.people plus, at larger scale, generated
    technicians (7 + scale/5) and office employees (5 + scale/20)."""
    sizes = {
        "technicians": (len(TECHNICIANS) + t.scale // 5, len(TECHNICIANS)),
        "employees": (len(EMPLOYEES) + t.scale // 20, len(EMPLOYEES)),
        "business_units": (len(BUSINESS_UNITS), len(BUSINESS_UNITS)),
        "job_types": (len(JOB_TYPES), len(JOB_TYPES)),
        "campaigns": (len(CAMPAIGNS), len(CAMPAIGNS)),
    }
    fixed_active = {"business_units": [u.active for u in BUSINESS_UNITS],
                    "job_types": [j.active for j in JOB_TYPES],
                    "campaigns": [c.active for c in CAMPAIGNS]}
    for resource, (count, named) in sizes.items():
        times = t.new_times(resource)
        for i in range(count):
            d = Dice(t.seed, f"{resource}.plan", i)
            created = t.start - DAY * d.between(30, 900)
            active = fixed_active[resource][i] if resource in fixed_active else (
                i < named or not d.chance(0.1))
            times.add(created, _later(d, created, t.end, 3), active)
    active = t.times["technicians"].active
    t.active_technicians = [i for i in range(len(active)) if active[i]]


def plan_customers(t: Tenant) -> None:
    """Customers are created evenly over the history, so ids rise with creation time."""
    count = 100 * t.scale
    span = t.end - HOUR - t.start
    times = t.new_times("customers")
    commercial = bytearray()
    contacts, locations, memberships, projects = [], [], [], []
    for c in range(count):
        d = Dice(t.seed, "customers.plan", c)
        created = t.start + (c * span + int(d.unit() * span)) // count
        times.add(created, _later(d, created, t.end, 4), not d.chance(0.05))
        is_commercial = d.chance(0.12)
        commercial.append(is_commercial)
        contacts.append(1 + d.chance(0.85) + d.chance(0.3))
        locations.append(d.between(1, 4) if is_commercial else 1 + d.weighted((88, 10, 2)))
        memberships.append(d.chance(0.25))
        projects.append(d.chance(0.25 if is_commercial else 0.05))
    t.extra["commercial"] = commercial
    t.trees["customer_contacts"] = Tree(contacts)
    t.trees["locations"] = Tree(locations)
    t.trees["memberships"] = Tree(memberships)
    t.trees["projects"] = Tree(projects)
    _plan_children(t, "customer_contacts", "customers", first_soon=0.85)


def _plan_children(t: Tenant, child: str, parent: str, first_soon: float) -> None:
    """Times of simple children: most created minutes after their parent, the rest later."""
    tree, parent_created = t.trees[child], t.times[parent].created
    times = t.new_times(child)
    for p in range(len(parent_created)):
        for k in tree.children(p):
            d = Dice(t.seed, f"{child}.plan", k)
            base = parent_created[p]
            soon = k == tree.start[p] or d.chance(first_soon)
            created = base + MINUTE * d.below(20) if soon else _later(d, base, t.end)
            created = min(created, t.end)
            times.add(created, _later(d, created, t.end, 5), not d.chance(0.04))


def plan_locations(t: Tenant) -> None:
    _plan_children(t, "locations", "customers", first_soon=0.0)
    commercial = t.extra["commercial"]
    customers = t.trees["locations"]
    contacts, jobs, equipment = [], [], []
    for loc in range(len(customers)):
        d = Dice(t.seed, "locations.children", loc)
        is_commercial = commercial[customers.parent(loc)]
        contacts.append(1 + d.chance(0.5) if is_commercial else d.weighted((55, 35, 10)))
        jobs.append(d.weighted((8, 22, 25, 20, 12, 8, 5)))
        equipment.append(d.weighted((30, 40, 22, 8)))
    t.trees["location_contacts"] = Tree(contacts)
    t.trees["jobs"] = Tree(jobs)
    t.trees["installed_equipment"] = Tree(equipment)
    _plan_children(t, "location_contacts", "locations", first_soon=0.9)


def _appointment_status(start: int, end: int, horizon: int, canceled: bool) -> int:
    if canceled:
        return _APPT["Canceled"]
    if end <= horizon:
        return _APPT["Done"]
    if start <= horizon:
        return _APPT["Working"]
    return _APPT["Dispatched"] if start - horizon <= DAY else _APPT["Scheduled"]


def _job_status(appointments: list[int], canceled: bool) -> int:
    done = [s == _APPT["Done"] for s in appointments]
    if canceled:
        return _JOB["Canceled"]
    if all(done):
        return _JOB["Completed"]
    if _APPT["Working"] in appointments:
        return _JOB["InProgress"]
    if any(done):
        return _JOB["Hold"]  # waiting for the follow-up visit (parts on order)
    return _JOB["Dispatched"] if appointments[0] == _APPT["Dispatched"] else _JOB["Scheduled"]


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
            created = min(end, _later(d, loc_created[loc], end, 0.5))
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
            modified = {"Completed": done_at, "Canceled": _later(d, created, min(end, first)),
                        "InProgress": min(end, starts[-1]), "Hold": min(end, ends[0])}.get(
                JOB_STATUSES[status], created)
            if d.chance(0.1):
                modified = _later(d, modified, end)
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
            active = status[a] != _APPT["Canceled"] and not d.chance(0.02)
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
            created = min(end, _later(d, visit_start, visit_end))
            fresh = end - created < 30 * DAY
            code = d.weighted((75, 20, 5) if fresh else (20, 35, 45))
            decided = min(end, created + int(d.unit() * 20 * DAY))
            times.add(created, decided if code else created, not d.chance(0.03))
            status.append(code)
            items.append(1 + d.weighted((20, 35, 25, 15, 5)))
    t.extra["estimate_status"] = status
    t.trees["estimate_items"] = Tree(items)
    _copy_parent_times(t, "estimate_items", "estimates", modified_from="created")


def _copy_parent_times(t: Tenant, child: str, parent: str, modified_from: str) -> None:
    tree, source = t.trees[child], t.times[parent]
    times = t.new_times(child)
    for p in range(len(source)):
        created = source.created[p]
        modified = getattr(source, modified_from)[p]
        for _ in tree.children(p):
            times.add(created, modified, True)


def plan_invoices(t: Tenant) -> None:
    """One invoice per job (ServiceTitan opens it with the job). Items and a payment only once
    the job is completed; most are paid within three weeks."""
    jobs, completed, end = t.times["jobs"], t.extra["job_completed"], t.end
    invoices, payments = t.new_times("invoices"), t.new_times("payments")
    item_counts, payment_counts = [], []
    for j in range(len(jobs)):
        d = Dice(t.seed, "invoices.plan", j)
        done = completed[j]
        item_counts.append(1 + d.weighted((15, 25, 25, 20, 10, 5)) if done else 0)
        paid = bool(done) and d.chance(0.85)
        payment_counts.append(int(paid))
        pay_date = min(end, done + int(d.unit() * 20 * DAY)) if paid else 0
        modified = jobs.created[j]
        if done:
            modified = max(min(end, done + MINUTE * d.below(600)), pay_date)
        invoices.add(jobs.created[j], max(jobs.created[j], modified), not d.chance(0.02))
        if paid:
            payments.add(pay_date, pay_date, not d.chance(0.01))
    t.trees["invoices"] = Tree([1] * len(jobs))
    t.trees["invoice_items"] = Tree(item_counts)
    t.trees["payments"] = Tree(payment_counts)
    items = t.new_times("invoice_items")
    for j in range(len(jobs)):
        stamp = completed[j] or jobs.created[j]
        for _ in t.trees["invoice_items"].children(j):
            items.add(stamp, stamp, True)


def plan_equipment(t: Tenant) -> None:
    _plan_children(t, "installed_equipment", "locations", first_soon=0.0)


def plan_memberships(t: Tenant) -> None:
    """Memberships run a year; older ones expired or were canceled."""
    tree, cust_created, end = t.trees["memberships"], t.times["customers"].created, t.end
    times, status = t.new_times("memberships"), bytearray()
    for c in range(len(cust_created)):
        for m in tree.children(c):
            d = Dice(t.seed, "memberships.plan", m)
            created = _later(d, cust_created[c], end)
            expires = created + YEAR
            code = d.weighted((90, 3, 0, 7) if expires > end else (0, 0, 70, 30))
            modified = {"Expired": expires, "Canceled": _later(d, created, min(end, expires))}
            times.add(created, min(end, modified.get(MEMBERSHIP_STATUSES[code], created)),
                      not d.chance(0.03))
            status.append(code)
    t.extra["membership_status"] = status


def plan_projects(t: Tenant) -> None:
    """A project groups every job at its customer's first location."""
    tree, locations, jobs = t.trees["projects"], t.trees["locations"], t.trees["jobs"]
    loc_created, job_modified = t.times["locations"].created, t.times["jobs"].modified
    times = t.new_times("projects")
    for c in range(len(locations.start) - 1):
        for p in tree.children(c):
            first_location = locations.start[c]
            created = loc_created[first_location] + MINUTE
            modified = max([created] + [job_modified[j] for j in jobs.children(first_location)])
            times.add(created, modified, not Dice(t.seed, "projects.plan", p).chance(0.02))


STEPS = (plan_settings, plan_customers, plan_locations, plan_jobs, plan_assignments,
         plan_estimates, plan_invoices, plan_equipment, plan_memberships, plan_projects)
