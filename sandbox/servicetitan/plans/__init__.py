"""Planning steps for ``layout.build_tenant``: counts, ownership and times of every resource,
and the few facts several generators share (cities, job types, invoice amounts).

Each step walks the parents it depends on and decides, with a ``Dice`` per record, how many
children each has and when they happened. Steps run in ``STEPS`` order because children need
their parents' times. Times only move forward: a child is created after its parent and every
base record is last modified by ``tenant.end``.
"""

from sandbox.servicetitan.plans.billing import plan_invoices
from sandbox.servicetitan.plans.crm import (
    plan_customers,
    plan_equipment,
    plan_locations,
    plan_memberships,
    plan_projects,
    plan_settings,
)
from sandbox.servicetitan.plans.work import (
    plan_assignments,
    plan_estimates,
    plan_job_facts,
    plan_jobs,
)

STEPS = (plan_settings, plan_customers, plan_locations, plan_jobs, plan_job_facts,
         plan_assignments, plan_estimates, plan_invoices, plan_equipment, plan_memberships,
         plan_projects)
