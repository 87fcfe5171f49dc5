"""Helpers shared by the planning steps."""

from __future__ import annotations

from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import (
    APPOINTMENT_STATUSES,
    ESTIMATE_STATUSES,
    JOB_STATUSES,
    MEMBERSHIP_STATUSES,
    Tenant,
)
from sandbox.servicetitan.timefmt import MINUTE

JOB = {name: code for code, name in enumerate(JOB_STATUSES)}
APPT = {name: code for code, name in enumerate(APPOINTMENT_STATUSES)}
ESTIMATE = {name: code for code, name in enumerate(ESTIMATE_STATUSES)}
MEMBER = {name: code for code, name in enumerate(MEMBERSHIP_STATUSES)}


def later(d: Dice, start: int, end: int, power: float = 1.0) -> int:
    """A time in [start, end]; ``power`` > 1 keeps it close to ``start``."""
    return start + int(max(0, end - start) * d.unit() ** power)


def plan_children(t: Tenant, child: str, parent: str, first_soon: float) -> None:
    """Times of simple children: most created minutes after their parent, the rest later."""
    tree, parent_created = t.trees[child], t.times[parent].created
    times = t.new_times(child)
    for p in range(len(parent_created)):
        for k in tree.children(p):
            d = Dice(t.seed, f"{child}.plan", k)
            base = parent_created[p]
            soon = k == tree.start[p] or d.chance(first_soon)
            created = base + MINUTE * d.below(20) if soon else later(d, base, t.end)
            created = min(created, t.end)
            times.add(created, later(d, created, t.end, 5), not d.chance(0.04))


def copy_parent_times(t: Tenant, child: str, parent: str, modified_from: str) -> None:
    tree, source = t.trees[child], t.times[parent]
    times = t.new_times(child)
    for p in range(len(source)):
        created = source.created[p]
        modified = getattr(source, modified_from)[p]
        for _ in tree.children(p):
            times.add(created, modified, True)


