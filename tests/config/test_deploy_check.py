"""``manage.py check --deploy`` under production settings, in a fresh interpreter."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from sandbox.ghl.keys import ED25519_PUBLIC_KEY_PEM

KEEP = ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")


@pytest.fixture
def production_env(tmp_path):
    secrets = {"django_secret_key": "k" * 20 + "Q9!x-" * 8, "st_client_secret": "st-secret",
               "st_app_key": "st-app-key", "ghl_token": "ghl-token",
               "twilio_auth_token": "twilio-token"}
    for name, value in secrets.items():
        (tmp_path / name).write_text(value + "\n")
    (tmp_path / "ghl_webhook_key.pem").write_text(ED25519_PUBLIC_KEY_PEM)
    env = {k: v for k, v in os.environ.items() if k in KEEP}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV": "production",
        "PERFECTCATCH_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SECRET_KEY_FILE": str(tmp_path / "django_secret_key"),
        "DJANGO_ALLOWED_HOSTS": "automation.example.com",
        "PUBLIC_BASE_URL": "https://automation.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "ST_TENANT_ID": "123456", "ST_CLIENT_ID": "cid",
        "ST_CLIENT_SECRET_FILE": str(tmp_path / "st_client_secret"),
        "ST_APP_KEY_FILE": str(tmp_path / "st_app_key"),
        "GHL_TOKEN_FILE": str(tmp_path / "ghl_token"), "GHL_LOCATION_ID": "loc123",
        "GHL_PIPELINE_ID": "pipe123",
        "GHL_WEBHOOK_PUBLIC_KEY_FILE": str(tmp_path / "ghl_webhook_key.pem"),
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_FROM_NUMBER": "+14155550100",
        "TWILIO_AUTH_TOKEN_FILE": str(tmp_path / "twilio_auth_token"),
    })
    return env


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                           "--fail-level", "WARNING"], env=env, capture_output=True, text=True,
                          cwd=settings.BASE_DIR, timeout=120)


def test_production_settings_pass_the_deploy_check_without_a_warning(production_env):
    result = check_deploy(production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "secret" not in (result.stdout + result.stderr).lower().replace("secret_key", "")


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY_FILE", "DJANGO_ALLOWED_HOSTS",
                                     "REDIS_URL"])
def test_production_without_a_required_setting_refuses_to_start(production_env, missing):
    del production_env[missing]
    result = check_deploy(production_env)
    assert result.returncode != 0
    assert missing.removesuffix("_FILE") in result.stderr


def test_production_with_a_vendor_on_the_sandbox_warns(production_env):
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN_FILE", "TWILIO_FROM_NUMBER"):
        del production_env[name]
    result = check_deploy(production_env)
    assert result.returncode != 0 and "Twilio is not configured" in result.stderr


def test_no_secret_value_is_printed_when_a_secret_file_is_missing(production_env, tmp_path):
    production_env["ST_CLIENT_SECRET_FILE"] = str(tmp_path / "nowhere")
    result = check_deploy(production_env)
    assert result.returncode != 0 and "ST_CLIENT_SECRET_FILE" in result.stderr
    assert "st-app-key" not in result.stderr and "ghl-token" not in result.stderr
