"""The sync on the embedded SQLite default (``make run`` with nothing configured), through
the real command in its own process: the same upsert through ``executemany``."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(tmp_path: Path, sandbox, *args: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if k != "DATABASE_URL" and not k.startswith("ST_")}
    env.update(PERFECTCATCH_VAR_DIR=str(tmp_path), SANDBOX_URL=sandbox.url)
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_sync_runs_on_sqlite_and_announces_changes(tmp_path, sandbox, st):
    manage(tmp_path, sandbox, "migrate", "-v0")
    manage(tmp_path, sandbox, "st_sync", "customers", "estimates")
    st.update("customers", 10000001, {"name": "Renamed Person"})

    manage(tmp_path, sandbox, "st_sync", "customers", "estimates")

    db = sqlite3.connect(tmp_path / "db.sqlite3")
    raws = dict(db.execute("SELECT id, raw FROM st_customers"))
    assert len(raws) == 100 and json.loads(raws[10000001]) == st.get("customers", 10000001)
    assert db.execute("SELECT count(*) FROM st_estimate_items").fetchone()[0] == 491
    events = db.execute("SELECT event_type, entity_id FROM workflow_events").fetchall()
    assert events == [("customer.updated", "10000001")]


def test_on_sqlite_the_scheduled_sync_runs_every_resource_itself_instead_of_fanning_out(
        tmp_path, sandbox, st):
    manage(tmp_path, sandbox, "migrate", "-v0")
    out = manage(tmp_path, sandbox, "shell", "-c", "import json; from servicetitan.tasks import "
                 "sync_incremental; print(json.dumps(sync_incremental()))")
    statuses = json.loads(out.strip().splitlines()[-1])
    assert len(statuses) == 18 and set(statuses.values()) == {"success"}
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    assert db.execute("SELECT count(*) FROM django_q_ormq").fetchone()[0] == 0
