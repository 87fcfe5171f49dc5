"""The shape of a synthetic tenant: how many records each resource has, who owns whom, and
when each record was created and last modified.

``Tenant`` is built once per sandbox and holds a few compact arrays per resource (about 20
bytes a record: a scale-150 tenant of ~590,000 records needs ~15 MB). Everything else about a
record is generated on demand by ``data/*.py`` from (seed, resource, index). Child records are
laid out contiguously under their parent (``Tree``), so record *i* finds its parent by binary
search and a parent finds its children as a range.

All base records were created and last modified before ``end`` (one day before ``anchor``);
later changes come only through the control API. Appointments may lie in the future.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from sandbox.servicetitan.timefmt import DAY, YEAR

# Status codes stored in bytearrays; the names are what ServiceTitan sends.
JOB_STATUSES = ("Scheduled", "Dispatched", "InProgress", "Hold", "Completed", "Canceled")
APPOINTMENT_STATUSES = ("Scheduled", "Dispatched", "Working", "Hold", "Done", "Canceled")
ESTIMATE_STATUSES = ("Open", "Sold", "Dismissed")
MEMBERSHIP_STATUSES = ("Active", "Suspended", "Expired", "Canceled")
HISTORY = 3 * YEAR


class Tree:
    """Children of each parent laid out contiguously: parent p owns [start[p], start[p + 1])."""

    __slots__ = ("start",)

    def __init__(self, counts: Iterable[int]) -> None:
        self.start = array("q", [0])
        total = 0
        for count in counts:
            total += count
            self.start.append(total)

    def __len__(self) -> int:
        return self.start[-1]

    def parent(self, child: int) -> int:
        return bisect_right(self.start, child) - 1

    def children(self, parent: int) -> range:
        return range(self.start[parent], self.start[parent + 1])


@dataclass
class Times:
    """Creation and modification times (µs) and the active flag of every base record."""

    created: array = field(default_factory=lambda: array("q"))
    modified: array = field(default_factory=lambda: array("q"))
    active: bytearray = field(default_factory=bytearray)

    def add(self, created: int, modified: int, active: bool) -> None:
        self.created.append(created)
        self.modified.append(modified)
        self.active.append(active)

    def __len__(self) -> int:
        return len(self.created)


@dataclass(eq=False)  # hashed by identity: generators memoise per (tenant, index)
class Tenant:
    """The planned tenant. ``trees[child]`` relates a child resource to its parent resource;
    ``extra`` holds the few per-record facts several generators share (statuses, schedules)."""

    scale: int
    seed: int
    anchor: int                       # µs; base history ends one day before it
    tenant_id: int
    id_bases: dict[str, int]
    times: dict[str, Times] = field(default_factory=dict)
    trees: dict[str, Tree] = field(default_factory=dict)
    extra: dict[str, array | bytearray] = field(default_factory=dict)
    active_technicians: list[int] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.anchor - DAY

    @property
    def start(self) -> int:
        return self.anchor - HISTORY

    def id(self, resource: str, index: int) -> int:
        return self.id_bases[resource] + index + 1

    def count(self, resource: str) -> int:
        return len(self.times[resource])

    def new_times(self, resource: str) -> Times:
        self.times[resource] = Times()
        return self.times[resource]


def build_tenant(scale: int, seed: int, anchor: int, tenant_id: int,
                 id_bases: dict[str, int]) -> Tenant:
    """Plan a tenant of ``scale`` (about 100 customers per unit)."""
    from sandbox.servicetitan import plans

    tenant = Tenant(scale, seed, anchor, tenant_id, id_bases)
    for step in plans.STEPS:
        step(tenant)
    return tenant
