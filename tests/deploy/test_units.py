"""The process units start real commands the way django-q2 needs."""

import configparser
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

UNITS = settings.BASE_DIR / "deploy" / "systemd"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


def test_the_worker_is_stopped_by_signalling_its_main_process_only():
    service = unit("perfectcatch-worker.service")["Service"]
    assert service["KillMode"] == "mixed" and service["KillSignal"] == "SIGTERM"
    assert service["ExecStart"].endswith("manage.py qcluster")


def test_every_manage_py_command_in_the_deploy_files_exists():
    text = "\n".join(p.read_text() for p in (settings.BASE_DIR / "deploy").rglob("*")
                     if p.is_file() and p.suffix in ("", ".service", ".yaml", ".py"))
    text += (settings.BASE_DIR / "Procfile").read_text()
    used = set(re.findall(r"manage\.py\"?,? \"?([a-z_]+)", text))
    assert used and used <= set(get_commands()), used - set(get_commands())


SECRETS = ("DJANGO_SECRET_KEY", "DATABASE_URL", "METRICS_TOKEN", "ST_CLIENT_SECRET",
           "ST_APP_KEY", "GHL_TOKEN", "TWILIO_AUTH_TOKEN")


def example_env() -> dict[str, str]:
    lines = (settings.BASE_DIR / "deploy" / "env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_every_service_reads_the_one_environment_file():
    for path in UNITS.glob("*.service"):
        assert "EnvironmentFile=/etc/perfectcatch/env" in path.read_text(), path.name


def test_secrets_are_named_by_file_never_given_as_values():
    env = example_env()
    for name in SECRETS:
        assert name not in env and f"{name}_FILE" in env, name
    for path in [*UNITS.glob("*.service"), settings.BASE_DIR / "deploy" / "compose.yaml"]:
        text = path.read_text()
        assert not any(f"{name}=" in text.replace(f"{name}_FILE", "") for name in SECRETS)


def test_the_example_environment_with_its_secret_files_passes_the_deploy_check(tmp_path):
    """What the runbook sets up is complete: settings load and check --deploy is clean."""
    from sandbox.ghl.keys import ED25519_PUBLIC_KEY_PEM

    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    for name, value in example_env().items():
        if name.endswith("_FILE"):
            secret = tmp_path / Path(value).name
            secret.write_text(ED25519_PUBLIC_KEY_PEM if name.startswith("GHL_WEBHOOK")
                              else os.environ["DATABASE_URL"] if name == "DATABASE_URL_FILE"
                              else secrets.token_urlsafe(50))
            value = str(secret)
        env[name] = value
    env.update(PERFECTCATCH_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level",
                             "WARNING"], env=env, capture_output=True, text=True,
                            cwd=settings.BASE_DIR, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
