"""``manage.py check --deploy`` under production settings, in a fresh interpreter."""

import json
import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

KEEP = ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")
# What production really has: its own GHL key, never the sandbox's.
GHL_PUBLIC_KEY_PEM = Ed25519PrivateKey.generate().public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
VENDOR_VARIABLES = {
    "SERVICETITAN_ENABLED": ("ST_TENANT_ID", "ST_CLIENT_ID", "ST_CLIENT_SECRET_FILE",
                             "ST_APP_KEY_FILE"),
    "GHL_ENABLED": ("GHL_TOKEN_FILE", "GHL_LOCATION_ID", "GHL_PIPELINE_ID",
                    "GHL_WEBHOOK_PUBLIC_KEY_FILE"),
    "TWILIO_ENABLED": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN_FILE", "TWILIO_FROM_NUMBER"),
}


@pytest.fixture
def production_env(tmp_path):
    secrets = {"django_secret_key": "k" * 20 + "Q9!x-" * 8, "st_client_secret": "st-secret",
               "st_app_key": "st-app-key", "ghl_token": "ghl-token",
               "twilio_auth_token": "twilio-token"}
    for name, value in secrets.items():
        (tmp_path / name).write_text(value + "\n")
    (tmp_path / "ghl_webhook_key.pem").write_text(GHL_PUBLIC_KEY_PEM)
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


def check_deploy(env: dict, *options: str) -> subprocess.CompletedProcess:
    options = options or ("--deploy", "--fail-level", "WARNING")
    return subprocess.run([sys.executable, "manage.py", "check", *options], env=env,
                          capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)


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


@pytest.mark.parametrize("switch,label,named", [
    ("SERVICETITAN_ENABLED", "ServiceTitan", "ST_TENANT_ID, ST_CLIENT_ID, ST_CLIENT_SECRET, "
                                             "ST_APP_KEY"),
    ("GHL_ENABLED", "GoHighLevel", "GHL_TOKEN, GHL_LOCATION_ID"),
    ("TWILIO_ENABLED", "Twilio", "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER or "
                                 "TWILIO_MESSAGING_SERVICE_SID"),
])
def test_production_refuses_to_start_with_a_vendor_neither_configured_nor_turned_off(
        production_env, switch, label, named):
    for name in VENDOR_VARIABLES[switch]:
        del production_env[name]
    result = check_deploy(production_env, "--list-tags")  # any command: settings do not load
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert f"{label} is not configured: set {named}" in result.stderr
    assert f"or {switch}=false to turn it off" in result.stderr


def test_production_with_its_vendors_turned_off_passes_the_deploy_check(production_env):
    for switch, names in VENDOR_VARIABLES.items():
        for name in names:
            del production_env[name]
        production_env[switch] = "false"
    result = check_deploy(production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


WITHOUT_THE_SANDBOX = """
import importlib.abc, json, os, sys


class NotInTheImage(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "sandbox":
            raise ModuleNotFoundError(f"No module named {name!r}")


sys.meta_path.insert(0, NotInTheImage())
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.urls import resolve
from twilio.request_validator import RequestValidator
from ghl.signatures import SignatureError, verify

call_command("check", deploy=True, fail_level="WARNING")
resolve("/webhooks/twilio/sms/"), resolve("/webhooks/ghl/")
forged = json.loads(os.environ["FORGED"])
ghl = []
for headers in forged["ghl"]:
    try:
        ghl.append(verify(forged["body"].encode(), headers))
    except SignatureError as exc:
        ghl.append(exc.verdict)
twilio = RequestValidator(settings.TWILIO.auth_token).validate(
    forged["url"], forged["params"], forged["twilio"])
print(json.dumps({"ghl": ghl, "twilio": twilio,
                  "sandbox": [m for m in sys.modules if m.split(".")[0] == "sandbox"]}))
"""


def forged_with_the_sandbox_credentials() -> dict:
    from sandbox.credentials import SANDBOX_TWILIO_AUTH_TOKEN
    from sandbox.ghl.webhooks import signature_headers
    from sandbox.twilio.signing import twilio_signature

    body = '{"type":"ContactDndUpdate","id":"c1","dnd":true}'
    url = "https://automation.example.com/webhooks/twilio/sms/"
    params = {"From": "+14155550123", "Body": "STOP"}
    return {"body": body, "url": url, "params": params,
            "ghl": [signature_headers(body.encode(), mode) for mode in ("ed25519", "rsa")],
            "twilio": twilio_signature(SANDBOX_TWILIO_AUTH_TOKEN, url, params)}


def test_production_runs_without_the_sandbox_and_refuses_what_its_credentials_sign(
        production_env):
    production_env["FORGED"] = json.dumps(forged_with_the_sandbox_credentials())
    result = subprocess.run([sys.executable, "-c", WITHOUT_THE_SANDBOX], env=production_env,
                            capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"ghl": ["bad_signature", "bad_signature"], "twilio": False,
                       "sandbox": []}


def test_no_secret_value_is_printed_when_a_secret_file_is_missing(production_env, tmp_path):
    production_env["ST_CLIENT_SECRET_FILE"] = str(tmp_path / "nowhere")
    result = check_deploy(production_env)
    assert result.returncode != 0 and "ST_CLIENT_SECRET_FILE" in result.stderr
    assert "st-app-key" not in result.stderr and "ghl-token" not in result.stderr
