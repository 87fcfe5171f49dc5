"""Readiness checks. Each is a small function returning a ``CheckResult``; apps add their own
with ``@readiness_check`` (imported from their AppConfig.ready), and ``/readyz`` and
``manage.py healthcheck`` run the same list."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str = ""
    skipped: bool = False  # not run because a check it depends on failed

    def as_dict(self) -> dict:
        return asdict(self)


Check = Callable[[], CheckResult]
_CHECKS: list[Check] = []


def readiness_check(func: Check) -> Check:
    if func not in _CHECKS:
        _CHECKS.append(func)
    return func


def run_checks() -> list[CheckResult]:
    """Run every check; a check that raises counts as failed and the rest still run. The
    database and migrations checks come first: when one fails, the checks reading tables are
    skipped rather than reported as failures of their own (unless the check sets
    ``needs_database = False``)."""
    results: list[CheckResult] = []
    for check in _CHECKS:
        broken = [r.name for r in results if not r.ok and r.name in ("database", "migrations")]
        if broken and getattr(check, "needs_database", True):
            results.append(CheckResult(check.__name__, False,
                                       f"skipped: {broken[0]} not ready", skipped=True))
            continue
        try:
            result = check()
        except Exception as exc:
            result = CheckResult(check.__name__, False, f"{exc.__class__.__name__}: {exc}")
        results.append(result)
    return results


def failed_names(results: list[CheckResult]) -> list[str]:
    return [r.name for r in results if not r.ok and not r.skipped]


@readiness_check
def database() -> CheckResult:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        connections[DEFAULT_DB_ALIAS].close()
        return CheckResult("database", False, f"unreachable: {exc.__class__.__name__}")
    return CheckResult("database", True, connections[DEFAULT_DB_ALIAS].vendor)


# The migration planner imports every migration module and reads django_migrations: too much
# work to do for each probe (anyone may call /readyz). Its answer is kept this many seconds.
MIGRATIONS_CHECK_TTL = 5.0
clock = time.monotonic
_migrations_checked: tuple[float, CheckResult] | None = None


@readiness_check
def migrations() -> CheckResult:
    """Whether every migration is applied, as found at most ``MIGRATIONS_CHECK_TTL`` seconds
    ago by this process (a planner that raises is not remembered)."""
    global _migrations_checked
    now = clock()
    if _migrations_checked and now - _migrations_checked[0] < MIGRATIONS_CHECK_TTL:
        return _migrations_checked[1]
    result = _plan_migrations()
    _migrations_checked = (now, result)
    return result


def _plan_migrations() -> CheckResult:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return CheckResult("migrations", False, f"{len(plan)} unapplied: {pending}")
    return CheckResult("migrations", True, "all applied")


def heartbeat_check(name: str, process: str, limit: int, how_to_start: str) -> CheckResult:
    from config.models import Heartbeat

    beat = Heartbeat.objects.filter(name=process).first()
    if beat is None:
        return CheckResult(name, False, f"no heartbeat yet: is `{how_to_start}` running?")
    age = (timezone.now() - beat.at).total_seconds()
    if age > limit:
        return CheckResult(name, False, f"last heartbeat {age:.0f}s ago (limit {limit}s)")
    return CheckResult(name, True, f"last heartbeat {age:.0f}s ago")


@readiness_check
def cluster() -> CheckResult:
    """A django-q2 worker ran the heartbeat schedule recently (config/tasks.py)."""
    return heartbeat_check("cluster", "qcluster", settings.QCLUSTER_HEARTBEAT_MAX_AGE,
                           "manage.py qcluster")


@readiness_check
def workflow_listener() -> CheckResult:
    """The workflow engine's listener (``manage.py workflows_run``) is alive: without it
    events still move, but only at the cluster's once-a-minute tick."""
    return heartbeat_check("workflow_listener", "workflows", settings.WORKFLOW_LISTENER_MAX_AGE,
                           "manage.py workflows_run")
