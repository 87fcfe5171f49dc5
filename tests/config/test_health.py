import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

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
def test_readyz_is_ready_when_the_database_answers_and_migrations_are_applied(client):
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
