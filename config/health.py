"""Readiness checks. Each is a small function returning a ``CheckResult``; apps add their own
with ``@readiness_check`` (imported from their AppConfig.ready), and ``/readyz`` and
``manage.py healthcheck`` run the same list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


Check = Callable[[], CheckResult]
_CHECKS: list[Check] = []


def readiness_check(func: Check) -> Check:
    if func not in _CHECKS:
        _CHECKS.append(func)
    return func


def run_checks() -> list[CheckResult]:
    """Run every check; a check that raises counts as failed and the rest still run."""
    results = []
    database_ok = True
    for check in _CHECKS:
        if not database_ok and getattr(check, "needs_database", True):
            results.append(CheckResult(check.__name__, False, "skipped: database unreachable"))
            continue
        try:
            result = check()
        except Exception as exc:
            result = CheckResult(check.__name__, False, f"{exc.__class__.__name__}: {exc}")
        results.append(result)
        if check is database:
            database_ok = result.ok
    return results


@readiness_check
def database() -> CheckResult:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        connections[DEFAULT_DB_ALIAS].close()
        return CheckResult("database", False, f"unreachable: {exc.__class__.__name__}")
    return CheckResult("database", True, connections[DEFAULT_DB_ALIAS].vendor)


@readiness_check
def migrations() -> CheckResult:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return CheckResult("migrations", False, f"{len(plan)} unapplied: {pending}")
    return CheckResult("migrations", True, "all applied")
