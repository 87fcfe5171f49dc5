"""Planning of staff, reference data, customers, locations and what hangs off them."""

from __future__ import annotations

from sandbox.people import EMPLOYEES, TECHNICIANS
from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import MEMBERSHIP_STATUSES, Tenant, Tree
from sandbox.servicetitan.plans.base import later, plan_children
from sandbox.servicetitan.timefmt import DAY, HOUR, MINUTE, YEAR
from sandbox.servicetitan.vocab import BUSINESS_UNITS, CAMPAIGNS, CITY_WEIGHTS, JOB_TYPES


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
            times.add(created, later(d, created, t.end, 3), active)
    active = t.times["technicians"].active
    t.active_technicians = [i for i in range(len(active)) if active[i]]


def plan_customers(t: Tenant) -> None:
    """Customers are created evenly over the history, so ids rise with creation time."""
    count = 100 * t.scale
    span = t.end - HOUR - t.start
    times = t.new_times("customers")
    commercial, city = bytearray(), bytearray()
    contacts, locations, memberships, projects = [], [], [], []
    for c in range(count):
        d = Dice(t.seed, "customers.plan", c)
        created = t.start + (c * span + int(d.unit() * span)) // count
        times.add(created, later(d, created, t.end, 4), not d.chance(0.05))
        is_commercial = d.chance(0.12)
        commercial.append(is_commercial)
        contacts.append(1 + d.chance(0.85) + d.chance(0.3))
        locations.append(d.between(1, 4) if is_commercial else 1 + d.weighted((88, 10, 2)))
        memberships.append(d.chance(0.25))
        projects.append(d.chance(0.25 if is_commercial else 0.05))
        city.append(Dice(t.seed, "customers.city", c).weighted(CITY_WEIGHTS))
    t.extra.update(commercial=commercial, customer_city=city)
    t.trees["customer_contacts"] = Tree(contacts)
    t.trees["locations"] = Tree(locations)
    t.trees["memberships"] = Tree(memberships)
    t.trees["projects"] = Tree(projects)
    plan_children(t, "customer_contacts", "customers", first_soon=0.85)


def plan_locations(t: Tenant) -> None:
    """A customer's first location is their billing address; others are in the same city,
    except a commercial customer's, which may be anywhere."""
    plan_children(t, "locations", "customers", first_soon=0.0)
    commercial, customer_city = t.extra["commercial"], t.extra["customer_city"]
    customers = t.trees["locations"]
    contacts, jobs, equipment, city = [], [], [], bytearray()
    for loc in range(len(customers)):
        d = Dice(t.seed, "locations.children", loc)
        c = customers.parent(loc)
        is_commercial = commercial[c]
        elsewhere = is_commercial and loc != customers.start[c]
        city.append(Dice(t.seed, "locations.city", loc).weighted(CITY_WEIGHTS) if elsewhere
                    else customer_city[c])
        contacts.append(1 + d.chance(0.5) if is_commercial else d.weighted((55, 35, 10)))
        jobs.append(d.weighted((8, 22, 25, 20, 12, 8, 5)))
        equipment.append(d.weighted((30, 40, 22, 8)))
    t.trees["location_contacts"] = Tree(contacts)
    t.trees["jobs"] = Tree(jobs)
    t.trees["installed_equipment"] = Tree(equipment)
    t.extra["location_city"] = city
    plan_children(t, "location_contacts", "locations", first_soon=0.9)


def plan_equipment(t: Tenant) -> None:
    plan_children(t, "installed_equipment", "locations", first_soon=0.0)


def plan_memberships(t: Tenant) -> None:
    """Memberships run a year; older ones expired or were canceled."""
    tree, cust_created, end = t.trees["memberships"], t.times["customers"].created, t.end
    times, status = t.new_times("memberships"), bytearray()
    for c in range(len(cust_created)):
        for m in tree.children(c):
            d = Dice(t.seed, "memberships.plan", m)
            created = later(d, cust_created[c], end)
            expires = created + YEAR
            code = d.weighted((90, 3, 0, 7) if expires > end else (0, 0, 70, 30))
            modified = {"Expired": expires, "Canceled": later(d, created, min(end, expires))}
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
