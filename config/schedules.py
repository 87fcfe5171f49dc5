"""The project's django-q2 schedules, declared by the apps and installed idempotently.

Each app may have a ``schedules.py`` with ``SCHEDULES = [ScheduleSpec(...), ...]``.
``manage.py install_schedules`` (run by ``make run`` and on deploy) creates or updates them by
name and deletes the project's schedules that are no longer declared; schedules someone made by
hand in the admin (without the prefix) are left alone. A schedule that calls a vendor names its
settings block (``vendor="GHL"``): while that vendor is turned off it is not declared, so
``install_schedules`` removes it. A schedule's function must be a declared
task (``config.taskqueue``), and its arguments are stored the way the admin's schedule form
writes them, so an installed schedule saved unchanged in the admin stays the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django_q.models import Schedule

from config.discovery import app_modules
from config.taskqueue import call_text, parse_call

PREFIX = "perfectcatch:"


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    minutes: int
    kwargs: dict = field(default_factory=dict)
    vendor: str = ""  # the settings block it calls ("SERVICETITAN", "GHL", "TWILIO"), if any

    @property
    def full_name(self) -> str:
        return PREFIX + self.name


def declared_schedules() -> list[ScheduleSpec]:
    return [spec for module in app_modules("schedules")
            for spec in getattr(module, "SCHEDULES", [])
            if not spec.vendor or getattr(settings, spec.vendor).enabled]


@transaction.atomic
def install_schedules(specs: list[ScheduleSpec] | None = None) -> dict[str, list[str]]:
    """Create, update or delete the project's schedules; returns the names per outcome.
    Raises ``ValidationError`` (changing nothing) for a function that is not a declared task
    or arguments it does not take."""
    specs = declared_schedules() if specs is None else specs
    outcome: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": [], "deleted": []}
    for spec in specs:
        args, kwargs = call_text(*parse_call(spec.func, "", repr(spec.kwargs)))
        wanted = {"func": spec.func, "schedule_type": Schedule.MINUTES, "minutes": spec.minutes,
                  "args": args or None, "kwargs": kwargs or None, "repeats": -1}
        current = Schedule.objects.filter(name=spec.full_name).first()
        if current is None:
            Schedule.objects.create(name=spec.full_name, **wanted)
            outcome["created"].append(spec.name)
        elif any(getattr(current, k) != v for k, v in wanted.items()):
            Schedule.objects.filter(pk=current.pk).update(**wanted)
            outcome["updated"].append(spec.name)
        else:
            outcome["unchanged"].append(spec.name)
    stale = Schedule.objects.filter(name__startswith=PREFIX).exclude(
        name__in=[s.full_name for s in specs]
    )
    outcome["deleted"] = [n.removeprefix(PREFIX) for n in stale.values_list("name", flat=True)]
    stale.delete()
    return outcome


# The operations app's own schedules: the cluster heartbeat /readyz looks at, log retention,
# the figures /metrics serves.
SCHEDULES = [
    ScheduleSpec("heartbeat", "config.tasks.heartbeat", minutes=1),
    ScheduleSpec("metrics-snapshot", "config.tasks.metrics_snapshot", minutes=1),
    ScheduleSpec("prune-logs", "config.tasks.prune", minutes=24 * 60),
]
