"""Settings that hold secrets never show one: not in a repr, not on the debug page."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.views.debug import technical_500_response

from config.redact import Secret, SecretURL, mask_url_password
from config.vendors import GHLSettings, ServiceTitanSettings, TwilioSettings

TWILIO_TOKEN = "twilio-auth-token-3f9a1c"
GHL_TOKEN = "pit-ghl-token-7d2e4b"
ST_SECRET, ST_APP_KEY = "st-client-secret-a8c1", "ak1.st-app-key-55e0"
DB_PASSWORD, REDIS_PASSWORD = "db-pass-0c4f", "redis-pass-9b1d"
SECRETS = (TWILIO_TOKEN, GHL_TOKEN, ST_SECRET, ST_APP_KEY, DB_PASSWORD, REDIS_PASSWORD)
REDIS_URL = f"redis://:{REDIS_PASSWORD}@cache.internal:6379/0"
DATABASE_URL = f"postgres://perfectcatch:{DB_PASSWORD}@db.internal:5432/perfectcatch"

BLOCKS = [
    TwilioSettings(configured=True, account_sid="AC" + "1" * 32, auth_token=TWILIO_TOKEN,
                   from_number="+14155550100", messaging_service_sid=None,
                   api_base_url="https://api.twilio.com"),
    GHLSettings(configured=True, token=GHL_TOKEN, location_id="loc", pipeline_id="pipe",
                base_url="https://services.leadconnectorhq.com", webhook_public_key=None),
    ServiceTitanSettings(configured=True, tenant_id=1, client_id="cid", client_secret=ST_SECRET,
                         app_key=ST_APP_KEY, api_base_url="https://api.servicetitan.io",
                         auth_url="https://auth.servicetitan.io/connect/token"),
]


@pytest.mark.parametrize("block", BLOCKS, ids=["twilio", "ghl", "servicetitan"])
def test_a_vendor_blocks_repr_leaves_its_secrets_out(block):
    text = f"{block!r} {block}"
    assert block.__class__.__name__ in text and "configured=True" in text
    assert not any(secret in text for secret in SECRETS)


def test_a_secret_url_works_as_itself_but_its_repr_masks_the_password():
    url = SecretURL(REDIS_URL)
    assert url == REDIS_URL and f"{url}" == REDIS_URL and url.startswith("redis://")
    assert repr(url) == "'redis://:********@cache.internal:6379/0'"
    assert repr({"LOCATION": url}) == "{'LOCATION': 'redis://:********@cache.internal:6379/0'}"
    assert repr(Secret(DB_PASSWORD)) == "'********'" and Secret(DB_PASSWORD) == DB_PASSWORD


@pytest.mark.parametrize("text,expected", [
    ("postgres://u:p@ss@db:5432/x", "postgres://u:********@db:5432/x"),
    ("redis://cache:6379/0", "redis://cache:6379/0"),
    ("see http://127.0.0.1:8000/admin/ and mail a@b.example", None),
])
def test_only_the_password_of_a_url_is_masked(text, expected):
    assert mask_url_password(text) == (expected or text)


def test_the_debug_page_shows_no_vendor_secret_and_no_url_password(settings):
    settings.DEBUG = True
    settings.TWILIO, settings.GHL, settings.SERVICETITAN = BLOCKS
    settings.DATABASE_URL, settings.REDIS_URL = DATABASE_URL, REDIS_URL
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": REDIS_URL}}
    settings.Q_CLUSTER = {**django_settings.Q_CLUSTER, "redis": REDIS_URL}
    try:
        raise RuntimeError("something broke")
    except RuntimeError:
        page = technical_500_response(RequestFactory().get("/boom"), *sys.exc_info())
    html = page.content.decode()
    assert "something broke" in html and "cache.internal" in html and "db.internal" in html
    assert not any(secret in html for secret in SECRETS), [s for s in SECRETS if s in html]


REPRS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({name: repr(getattr(settings, name)) for name in
                  ("DATABASE_URL", "DATABASES", "REDIS_URL", "CACHES", "Q_CLUSTER")}))
"""


def test_the_loaded_database_and_redis_settings_never_repr_a_password(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": DATABASE_URL,
           "REDIS_URL": REDIS_URL, "PERFECTCATCH_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", REPRS], env=env, capture_output=True,
                            text=True, cwd=django_settings.BASE_DIR, timeout=120)
    assert result.returncode == 0, result.stderr
    reprs = json.loads(result.stdout.strip().splitlines()[-1])
    assert "db.internal" in reprs["DATABASES"] and "cache.internal" in reprs["Q_CLUSTER"]
    assert not any(p in text for p in (DB_PASSWORD, REDIS_PASSWORD) for text in reprs.values())
