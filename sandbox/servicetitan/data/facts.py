"""Facts about jobs that several generators share: a job's customer, type and project, and
its invoice's lines and amounts (planned in ``plans``; memoised or read from arrays)."""

from __future__ import annotations

from typing import NamedTuple

from sandbox.servicetitan.data.common import memo
from sandbox.servicetitan.layout import Tenant
from sandbox.servicetitan.vocab import PRICE_BOOK, Sku


def job_type_index(t: Tenant, job: int) -> int:
    return t.extra["job_type"][job]


@memo
def job_customer(t: Tenant, job: int) -> tuple[int, int]:
    """(customer index, location index) of a job."""
    loc = t.trees["jobs"].parent(job)
    return t.trees["locations"].parent(loc), loc


@memo
def job_project(t: Tenant, job: int) -> int | None:
    """The project index a job belongs to: jobs at the first location of a customer who has a
    project."""
    c, loc = job_customer(t, job)
    projects = t.trees["projects"].children(c)
    return projects.start if projects and loc == t.trees["locations"].start[c] else None


class Amounts(NamedTuple):
    subtotal: int   # cents
    tax: int
    paid: int

    @property
    def total(self) -> float:
        return (self.subtotal + self.tax) / 100


def line(t: Tenant, k: int) -> tuple[Sku, int]:
    """(price-book item, quantity) of invoice item k."""
    return PRICE_BOOK[t.extra["invoice_items_sku"][k]], t.extra["invoice_items_qty"][k]


def invoice_amounts(t: Tenant, i: int) -> Amounts:
    extra = t.extra
    return Amounts(extra["invoice_subtotal"][i], extra["invoice_tax"][i], extra["invoice_paid"][i])
