import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from config.models import Heartbeat
from config.tasks import beat, heartbeat

READYZ_PROBE = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
from django.test import Client
setup_test_environment()
response = Client().get("/readyz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def readyz_in_subprocess(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "-c", READYZ_PROBE], env=env, capture_output=True,
                            text=True, cwd=settings.BASE_DIR, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_the_migrations_and_the_cluster_are(client):
    heartbeat()
    beat("workflows")
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["failed"] == []
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]


def test_readyz_answers_503_naming_the_database_when_it_is_down():
    outcome = readyz_in_subprocess("postgres://postgres@127.0.0.1:1/perfectcatch_nowhere")
    assert outcome["status"] == 503
    assert "database" in outcome["body"]["failed"]
    assert "unreachable" in outcome["body"]["checks"]["database"]["detail"]


@pytest.fixture
def empty_database():
    import psycopg

    name = f"perfectcatch_unmigrated_probe_{os.getpid()}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="creates a PostgreSQL database")
def test_readyz_answers_503_when_migrations_are_not_applied(empty_database):
    outcome = readyz_in_subprocess(empty_database)
    assert outcome["status"] == 503
    assert outcome["body"]["failed"] == ["migrations"]
    assert "unapplied" in outcome["body"]["checks"]["migrations"]["detail"]


def test_readyz_refuses_other_methods(client):
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_readyz_fails_naming_the_cluster_when_no_worker_ever_ran_the_heartbeat(client):
    beat("workflows")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["cluster"]
    assert "qcluster" in response.json()["checks"]["cluster"]["detail"]


@pytest.mark.django_db
def test_readyz_fails_when_the_last_heartbeat_is_too_old(client, settings):
    heartbeat()
    beat("workflows")
    Heartbeat.objects.filter(name="qcluster").update(at=timezone.now() - timedelta(seconds=301))
    settings.QCLUSTER_HEARTBEAT_MAX_AGE = 300
    body = client.get("/readyz").json()
    assert body["failed"] == ["cluster"] and "301s ago" in body["checks"]["cluster"]["detail"]


@pytest.mark.django_db
def test_the_healthcheck_command_passes_when_all_is_well(capsys):
    heartbeat()
    beat("workflows")
    call_command("healthcheck")
    assert "ok   cluster" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_healthcheck_command_exits_non_zero_with_the_reasons(capsys):
    beat("workflows")
    with pytest.raises(CommandError, match="not ready: cluster") as excinfo:
        call_command("healthcheck")
    assert excinfo.value.returncode == 1
    assert "FAIL cluster: no heartbeat yet" in capsys.readouterr().out


def test_the_healthcheck_command_fails_when_the_database_is_down():
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}
    result = subprocess.run([sys.executable, "manage.py", "healthcheck", "--json"], env=env,
                            capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)
    assert result.returncode == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert not checks["database"]["ok"] and "unreachable" in checks["database"]["detail"]


@pytest.mark.django_db
def test_readyz_fails_when_the_workflow_listener_is_silent(client, settings):
    heartbeat()
    beat("workflows")
    Heartbeat.objects.filter(name="workflows").update(at=timezone.now() - timedelta(seconds=121))
    settings.WORKFLOW_LISTENER_MAX_AGE = 120
    body = client.get("/readyz").json()
    assert body["failed"] == ["workflow_listener"]
    assert "121s ago" in body["checks"]["workflow_listener"]["detail"]


@pytest.mark.django_db
def test_a_running_workflow_listener_beats():
    from workflows.engine import Worker

    Worker(name="beating", poll_interval=0.05).run(duration=0.1)
    assert Heartbeat.objects.get(name="workflows").worker == "beating"


STRANGER = "203.0.113.7"


@pytest.mark.django_db
def test_a_stranger_learns_only_the_status_and_the_names_of_the_failed_checks(client):
    beat("workflows")
    response = client.get("/readyz", REMOTE_ADDR=STRANGER)
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "failed": ["cluster"]}


@pytest.mark.django_db
def test_a_stranger_with_a_wrong_token_is_still_a_stranger(client, settings):
    settings.METRICS_TOKEN = "the-metrics-token"
    response = client.get("/readyz", REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION="Bearer guess")
    assert "checks" not in response.json()


@pytest.mark.django_db
def test_the_metrics_token_shows_each_checks_detail(client, settings):
    settings.METRICS_TOKEN = "the-metrics-token"
    beat("workflows")
    response = client.get("/readyz", REMOTE_ADDR=STRANGER,
                          HTTP_AUTHORIZATION="Bearer the-metrics-token")
    assert response.json()["failed"] == ["cluster"]
    assert "qcluster" in response.json()["checks"]["cluster"]["detail"]


@pytest.mark.django_db
def test_an_allow_listed_address_sees_each_checks_detail(client, settings):
    settings.METRICS_ALLOWED_IPS = ["198.51.100.0/24"]
    heartbeat()
    beat("workflows")
    body = client.get("/readyz", REMOTE_ADDR="198.51.100.9").json()
    assert body["status"] == "ready" and body["checks"]["migrations"]["detail"] == "all applied"


@pytest.mark.django_db
def test_the_healthcheck_command_prints_each_checks_detail_as_json(capsys):
    beat("workflows")
    with pytest.raises(CommandError):
        call_command("healthcheck", "--json")
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)}
    assert checks["migrations"]["detail"] == "all applied"
    assert "no heartbeat yet" in checks["cluster"]["detail"]


@pytest.mark.django_db
def test_the_migration_check_runs_the_planner_once_per_few_seconds(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config import health

    now = [1000.0]
    monkeypatch.setattr(health, "clock", lambda: now[0])
    monkeypatch.setattr(health, "_migrations_checked", None)

    def planner_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert health.migrations().ok
        return sum("django_migrations" in q["sql"] for q in queries.captured_queries)

    assert planner_queries() > 0
    now[0] += health.MIGRATIONS_CHECK_TTL - 0.1
    assert planner_queries() == 0
    now[0] += 0.2
    assert planner_queries() > 0
