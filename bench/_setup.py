"""Shared set-up for the workflow benchmarks: Django on the benchmark database (set
DATABASE_URL; the scripts migrate it and clear the workflow tables), and worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def fresh_database() -> None:
    if connection.vendor != "postgresql":
        sys.exit("the benchmarks need PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE workflow_audit_log, workflow_step_runs, workflow_event_matches,"
                       " workflow_instances, workflow_events, st_estimates, st_customers")
        cursor.execute("UPDATE workflow_definitions SET active = false")


def worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "workflows_run", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
