"""Settings are read at import, so each case imports them in a fresh interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({"debug": settings.DEBUG, "production": settings.PRODUCTION,
                  "engine": settings.DATABASES["default"]["ENGINE"],
                  "pool": "pool" in settings.DATABASES["default"].get("OPTIONS", {}),
                  "cache": settings.CACHES["default"]["BACKEND"],
                  "broker": "redis" if "redis" in settings.Q_CLUSTER else "orm",
                  "st_configured": settings.SERVICETITAN.configured,
                  "st_base": settings.SERVICETITAN.api_base_url,
                  "st_secret": settings.SERVICETITAN.client_secret,
                  "twilio_configured": settings.TWILIO.configured,
                  "twilio_previous": settings.TWILIO.previous_auth_token}))
"""

CLEARED = ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_DEBUG", "DJANGO_SECRET_KEY",
           "DJANGO_SECRET_KEY_FILE", "DJANGO_ALLOWED_HOSTS", "ST_TENANT_ID", "ST_CLIENT_ID",
           "ST_CLIENT_SECRET", "ST_CLIENT_SECRET_FILE", "ST_APP_KEY", "GHL_TOKEN",
           "GHL_LOCATION_ID", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER",
           "TWILIO_AUTH_TOKEN_PREVIOUS", "TWILIO_AUTH_TOKEN_PREVIOUS_FILE", "SERVICETITAN_ENABLED",
           "GHL_ENABLED", "TWILIO_ENABLED")
# A production environment whose vendors are all turned off: the least production accepts.
PRODUCTION = {"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "k" * 50,
              "DJANGO_ALLOWED_HOSTS": "example.com", "REDIS_URL": "redis://127.0.0.1:6379/9",
              "SERVICETITAN_ENABLED": "false", "GHL_ENABLED": "false", "TWILIO_ENABLED": "false"}


def load(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings",
                 "PERFECTCATCH_VAR_DIR": str(tmp_path / "var")}, **env)
    result = subprocess.run([sys.executable, "-c", PROBE], env=base, capture_output=True,
                            text=True, cwd=settings.BASE_DIR, timeout=60)
    return result


def loaded(tmp_path, **env):
    result = load(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_configured_means_development_sqlite_and_the_sandbox(tmp_path):
    values = loaded(tmp_path)
    assert values["debug"] is True and values["production"] is False
    assert values["engine"].endswith("sqlite3")
    assert values["cache"].endswith("LocMemCache") and values["broker"] == "orm"
    assert values["st_configured"] is False
    assert values["st_base"] == "http://127.0.0.1:8765/servicetitan"
    assert (tmp_path / "var" / "db.sqlite3").parent.exists()


def test_database_url_selects_postgresql_with_a_connection_pool(tmp_path):
    values = loaded(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything")
    assert values["engine"].endswith("postgresql") and values["pool"] is True


def test_redis_url_selects_the_redis_cache_and_broker(tmp_path):
    values = loaded(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")
    assert values["cache"].endswith("RedisCache") and values["broker"] == "redis"


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = load(tmp_path, DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_production_reads_the_secret_key_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("x" * 60 + "\n")
    values = loaded(tmp_path, **{**PRODUCTION, "DJANGO_SECRET_KEY": ""},
                    DJANGO_SECRET_KEY_FILE=str(key_file))
    assert values["production"] is True and values["debug"] is False


def test_production_refuses_to_start_with_debug_on(tmp_path):
    result = load(tmp_path, **PRODUCTION, DJANGO_DEBUG="true")
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert "DJANGO_DEBUG must be false when DJANGO_ENV=production" in result.stderr


def test_a_bad_debug_value_is_a_configuration_error(tmp_path):
    result = load(tmp_path, DJANGO_DEBUG="sometimes")
    assert result.returncode != 0 and "DJANGO_DEBUG" in result.stderr


def test_a_half_configured_vendor_names_what_is_missing(tmp_path):
    result = load(tmp_path, ST_TENANT_ID="123", ST_CLIENT_ID="abc")
    assert result.returncode != 0
    assert "ST_CLIENT_SECRET" in result.stderr and "ST_APP_KEY" in result.stderr


def test_a_configured_vendor_reads_its_secret_from_a_file(tmp_path):
    secret_file = tmp_path / "st-secret"
    secret_file.write_text("the-client-secret\n")
    values = loaded(tmp_path, ST_TENANT_ID="123", ST_CLIENT_ID="abc",
                    ST_CLIENT_SECRET_FILE=str(secret_file), ST_APP_KEY="key")
    assert values["st_configured"] is True
    assert values["st_secret"] == "the-client-secret"
    assert values["st_base"] == "https://api.servicetitan.io"


def test_the_previous_twilio_token_is_read_from_its_file_while_rotating(tmp_path):
    previous = tmp_path / "twilio-previous"
    previous.write_text("the-old-token\n")
    values = loaded(tmp_path, TWILIO_ACCOUNT_SID="AC1", TWILIO_AUTH_TOKEN="the-new-token",
                    TWILIO_FROM_NUMBER="+14075550100",
                    TWILIO_AUTH_TOKEN_PREVIOUS_FILE=str(previous))
    assert values["twilio_configured"] is True and values["twilio_previous"] == "the-old-token"
    assert loaded(tmp_path, TWILIO_ACCOUNT_SID="AC1", TWILIO_AUTH_TOKEN="t",
                  TWILIO_FROM_NUMBER="+14075550100")["twilio_previous"] is None


def test_twilio_needs_a_sender(tmp_path):
    result = load(tmp_path, TWILIO_ACCOUNT_SID="AC1", TWILIO_AUTH_TOKEN="t")
    assert result.returncode != 0 and "TWILIO_FROM_NUMBER" in result.stderr
