"""Settings for PerfectCatch Automation: one module, differences come from the environment.

With nothing configured the service runs in development mode on a SQLite file under ``var/``,
with a local-memory cache, the django-q2 ORM broker and the vendor sandbox standing in for every
vendor whose credentials are missing. ``DJANGO_ENV=production`` turns on the production
requirements (a secret key, allowed hosts, secure cookies, a shared cache).
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.env import choice, env, require, secret, strict_bool
from config.redact import Secret, SecretURL

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("PERFECTCATCH_VAR_DIR", default=str(BASE_DIR / "var")))

DJANGO_ENV = choice("DJANGO_ENV", ("development", "production"), default="development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = strict_bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # The debug page shows code, settings and request data to whoever triggers an error.
    raise ImproperlyConfigured("DJANGO_DEBUG must be false when DJANGO_ENV=production")

if PRODUCTION:
    SECRET_KEY = require(
        "DJANGO_SECRET_KEY", secret("DJANGO_SECRET_KEY"), "when DJANGO_ENV=production"
    )
else:
    SECRET_KEY = secret("DJANGO_SECRET_KEY", default="insecure-development-key-do-not-deploy")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    require("DJANGO_ALLOWED_HOSTS", None, "when DJANGO_ENV=production")

# The public https origin vendors call back (Twilio signs this URL, not what Django sees).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
BUSINESS_TIME_ZONE = env.str("BUSINESS_TIME_ZONE", default="America/New_York")

INSTALLED_APPS = [
    "config.admin_site.PerfectCatchAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "django_q",
    "config",
    "servicetitan",
    "workflows",
    "messaging",
    "ghl",
]
if not PRODUCTION:
    # The vendor stand-ins (`manage.py sandbox`): not installed in production at all.
    INSTALLED_APPS.append("sandbox")

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.BusinessTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Both URLs may hold a password: NAME_FILE works too, and their repr masks it (config/redact.py).
DATABASE_URL = SecretURL(secret("DATABASE_URL") or "")
if DATABASE_URL:
    DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
    if DATABASES["default"].get("PASSWORD"):
        DATABASES["default"]["PASSWORD"] = Secret(DATABASES["default"]["PASSWORD"])
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # WAL lets the web server, the cluster and the sandbox demo read while one writes.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    # Django turns psycopg's prepared statements off (for transaction-mode poolers such as
    # PgBouncer's; point DATABASE_URL at PostgreSQL or a session-mode pooler). Allow them, but
    # only where a statement asks (config/db.py): the threshold is never reached on its own.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DATABASES["default"]["ENGINE"] = (
    "config.postgresql" if IS_POSTGRES  # django-prometheus's, made cheaper per connection
    else "django_prometheus.db.backends.sqlite3"
)
# A psycopg pool per process. Not in the qcluster: its sentinel forks workers after using the
# database, and a forked pool (sockets plus worker threads) would be shared by the children.
DATABASE_POOL = strict_bool("DATABASE_POOL", default=True) and sys.argv[1:2] != ["qcluster"]
if IS_POSTGRES and DATABASE_POOL:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
        "timeout": 10,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and django-q2 --------------------------------------------------------------------
REDIS_URL = SecretURL(secret("REDIS_URL") or "")
# This machine's name in sync logs (several machines may share one tenant's work).
NODE_NAME = env.str("PERFECTCATCH_NODE", default="") or socket.gethostname()
# Vendor request budgets (config/budgets.py) live under this prefix in Redis.
BUDGETS_KEY_PREFIX = env.str("BUDGETS_KEY_PREFIX", default="perfectcatch:budget:")
if PRODUCTION:
    # Rate limits and cached values must be shared by every web process.
    require("REDIS_URL", REDIS_URL, "when DJANGO_ENV=production")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "perfectcatch"}}

Q_CLUSTER = {
    "name": "perfectcatch",
    # Syncs (ServiceTitan, GHL), the workflow tick, deferred texts and admin-queued jobs.
    "workers": env.int("Q_WORKERS", default=3),
    # The workflow engine owns retries and backoff; the broker only redelivers a task whose
    # worker died, once, after `retry` seconds (which must exceed `timeout`).
    "timeout": env.int("Q_TIMEOUT", default=600),
    "retry": env.int("Q_RETRY", default=720),
    "max_attempts": 2,
    "ack_failures": True,
    "save_limit": 500,
    "catch_up": False,
    "poll": 0.5,
    "label": "Task queue",
}
# /readyz fails when no worker ran the heartbeat schedule (every minute) for this long.
QCLUSTER_HEARTBEAT_MAX_AGE = env.int("QCLUSTER_HEARTBEAT_MAX_AGE", default=300)
# … and when the workflow listener (manage.py workflows_run, beating every 30 s) is silent.
WORKFLOW_LISTENER_MAX_AGE = env.int("WORKFLOW_LISTENER_MAX_AGE", default=120)
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Auth, i18n, static ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
if PRODUCTION:
    # gunicorn serves the admin's static files itself (collected at build time).
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# --- Metrics (config/metrics.py): a bearer token, or a client address on the allow-list -------
METRICS_TOKEN = secret("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env.list(
    "METRICS_ALLOWED_IPS",
    # Behind a reverse proxy every client looks local: production allows no address by default.
    default=[] if PRODUCTION else ["127.0.0.1/32", "::1/128"],
)
# The figures /metrics reads from the database are kept this long in the cache (shared by the
# processes with Redis); the cluster reads them again every minute. 0: every scrape reads them.
METRICS_CACHE_SECONDS = env.int("METRICS_CACHE_SECONDS", default=90)

# --- Rate limits (config/ratelimits.py): "<count>/<period>", period s, m, h or d --------------
RATELIMITS = {
    # Twilio: refused requests (bad signature, malformed) per client address. Signed ones are
    # never limited: Twilio does not retry a 429, so a limited text would be lost.
    "webhook_twilio": env.str("RATELIMIT_WEBHOOK_TWILIO", default="120/m"),
    # GHL: every request per client address (GHL retries a 429, so nothing is lost)
    "webhook_ghl": env.str("RATELIMIT_WEBHOOK_GHL", default="1200/m"),
    # per address: every login attempt; per browser that signed in as the user: its failures
    "admin_login": env.str("RATELIMIT_ADMIN_LOGIN", default="10/5m"),
    # per username: failed logins from browsers that never signed in as that user
    # (config/logins.py; the user's own browsers are not locked out by them)
    "admin_login_username": env.str("RATELIMIT_ADMIN_LOGIN_USERNAME", default="30/15m"),
    # per signed-in user (or address): every admin page
    "admin": env.str("RATELIMIT_ADMIN", default="600/m"),
    # per user: admin actions that call a vendor (sync now, push to GHL, …)
    "admin_vendor_action": env.str("RATELIMIT_ADMIN_VENDOR_ACTION", default="20/m"),
    # per address: /healthz, /readyz, /metrics
    "probe": env.str("RATELIMIT_PROBE", default="600/m"),
}
RATELIMIT_USE_CACHE = "default"
# Per-address limits, the request log and the metrics allow-list see the client behind these
# reverse proxies (X-Forwarded-For), not the proxy itself.
TRUSTED_PROXIES = env.list(
    "TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"] if PRODUCTION else [])
RATELIMIT_IP_META_KEY = "config.ratelimits.client_ip"
# Without Redis (the embedded default: one process, a local-memory cache) the check that
# demands a shared cache is silenced; wherever Redis is configured it stays on. Django's own
# RedisCache increments atomically (INCR) but is not on django-ratelimit's list of backends.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001" if REDIS_URL else "django_ratelimit.E003"]

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Error reports mask passwords inside URL-valued settings too (config/debug.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.debug.SettingsReporterFilter"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = strict_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[PUBLIC_BASE_URL])

# --- Vendors --------------------------------------------------------------------------------
# Where the sandbox listens when it stands in for a vendor (`manage.py sandbox`).
SANDBOX_URL = env.str("SANDBOX_URL", default="http://127.0.0.1:8765").rstrip("/")

from config.vendors import ghl_settings, servicetitan_settings, twilio_settings  # noqa: E402

# In production each is configured or turned off (*_ENABLED=false): never the sandbox.
SERVICETITAN = servicetitan_settings(SANDBOX_URL, production=PRODUCTION)
GHL = ghl_settings(SANDBOX_URL, production=PRODUCTION)
# GHL's daily allowance per app and location, counted by every process (ghl/pacing.py).
GHL_DAILY_LIMIT = env.int("GHL_DAILY_LIMIT", default=200_000)
TWILIO = twilio_settings(SANDBOX_URL, production=PRODUCTION)

# --- ServiceTitan sync (servicetitan/conf.py) -----------------------------------------------
# ServiceTitan allows 60 calls per second per app and tenant, across all our threads.
ST_RATE_LIMIT_PER_SECOND = env.float("ST_RATE_LIMIT_PER_SECOND", default=60.0)
ST_SYNC_INTERVAL_MINUTES = env.int("ST_SYNC_INTERVAL_MINUTES", default=5)
ST_SYNC_WORKERS = env.int("ST_SYNC_WORKERS", default=4)
ST_MAX_RETRIES = env.int("ST_MAX_RETRIES", default=10)
ST_REQUEST_TIMEOUT_SECONDS = env.float("ST_REQUEST_TIMEOUT_SECONDS", default=60.0)
# On: the first complete read of a resource announces every record as created (workflows
# would then see the whole history as new); off: the backfill announces nothing.
ST_SYNC_BACKFILL_EVENTS = strict_bool("ST_SYNC_BACKFILL_EVENTS", default=False)

# --- Retention (config/retention.py): run and webhook logs, in days --------------------------
SYNC_LOG_RETENTION_DAYS = env.int("SYNC_LOG_RETENTION_DAYS", default=90)
WEBHOOK_LOG_RETENTION_DAYS = env.int("WEBHOOK_LOG_RETENTION_DAYS", default=30)

# --- GHL webhooks (ghl/services/webhooks.py, ghl/services/deliveries.py) --------------------
# Attempts at applying an accepted delivery, the first in its request, then retried with
# backoff (1, 2, 4 … 60 minutes) after a transient error; past them it is given up.
GHL_WEBHOOK_MAX_ATTEMPTS = env.int("GHL_WEBHOOK_MAX_ATTEMPTS", default=8)
# Refused deliveries kept per verdict for staff to look at (every one is counted).
GHL_WEBHOOK_REFUSED_SAMPLE = env.int("GHL_WEBHOOK_REFUSED_SAMPLE", default=100)
# How long applying waits for a row another transaction holds before it is retried later
# instead of holding a web worker (PostgreSQL).
GHL_WEBHOOK_LOCK_TIMEOUT_MS = 5000

# --- GHL as the SMS conversation provider (ghl/services/conversations/) ----------------------
# Every text in and out copied into the contact's GHL conversation, reps' replies from GHL
# sent through Twilio (POST /webhooks/ghl/provider/). Off: nothing is copied and the
# provider webhook answers 404.
GHL_CONVERSATIONS = strict_bool("GHL_CONVERSATIONS", default=True)
# The provider's id in GHL's marketplace app ("conversationProviderId"; optional for the
# default SMS provider).
GHL_CONVERSATION_PROVIDER_ID = env.str("GHL_CONVERSATION_PROVIDER_ID", default="")
# The outbox: attempts before an item is given up (backoff 30 s doubling to 30 min, so 12
# attempts span about 3 hours of GHL being down), and how far back texts are picked up.
GHL_OUTBOX_MAX_ATTEMPTS = env.int("GHL_OUTBOX_MAX_ATTEMPTS", default=12)
GHL_OUTBOX_LOOKBACK_HOURS = env.int("GHL_OUTBOX_LOOKBACK_HOURS", default=24)

# Estimates pushed to GHL as opportunities by themselves (ghl/services/auto_push.py): every
# minute, at most this many (the first backfill goes at that pace, and resumes if stopped).
GHL_AUTO_PUSH_ESTIMATES = strict_bool("GHL_AUTO_PUSH_ESTIMATES", default=True)
GHL_AUTO_PUSH_PER_RUN = env.int("GHL_AUTO_PUSH_PER_RUN", default=30)

# --- Messaging ------------------------------------------------------------------------------
# Reply texts and sending rules (messaging/conf.py documents every key).
MESSAGING = {
    "keyword_replies": strict_bool("SMS_KEYWORD_REPLIES", default=True),
    "sending_hours": (env.int("SMS_SENDING_HOURS_START", default=8),
                      env.int("SMS_SENDING_HOURS_END", default=21)),
    "sends_per_second": env.float("SMS_SENDS_PER_SECOND", default=1.0),
    # At most this many marketing texts to a number in any 7 days (0: no cap).
    "marketing_per_week": env.int("SMS_MARKETING_PER_WEEK", default=3),
    # Conversations: the group owning those no rule gives a person (and reminded of
    # unanswered ones), and after how many minutes it is reminded.
    "conversation_group": env.str("CONVERSATION_GROUP", default="Sales"),
    "reminder_after_minutes": env.int("CONVERSATION_REMINDER_MINUTES", default=30),
    "reply_texts": {kind: text for kind, text in {
        "opt_out": env.str("SMS_REPLY_OPT_OUT", default=""),
        "opt_in": env.str("SMS_REPLY_OPT_IN", default=""),
        "help": env.str("SMS_REPLY_HELP", default=""),
    }.items() if text},
}

# --- Email (conversation notifications, the notify_staff step) ------------------------------
# Development prints every email on the console; production sends through SMTP
# (EMAIL_HOST…). A provider's HTTP API goes through django-anymail: install it, add
# "anymail" to INSTALLED_APPS and set EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=(
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = secret("EMAIL_HOST_PASSWORD", default="") or ""
EMAIL_USE_TLS = strict_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PerfectCatch <automation@localhost>")

# --- Workflows ------------------------------------------------------------------------------
# Networks the http_request step may reach although they are not public (loopback, private,
# link-local, unique-local: refused by default), e.g. "10.20.0.0/16" for an internal CRM.
WORKFLOW_HTTP_ALLOWED_NETWORKS = env.list("WORKFLOW_HTTP_ALLOWED_NETWORKS", default=[])
# Credentials ``http_request`` headers name as {{ secrets.NAME }}: one file per name
# (workflows/secrets.py), read when the request is sent.
WORKFLOW_HTTP_SECRETS_DIR = env.str("WORKFLOW_HTTP_SECRETS_DIR", default="")

# --- Logging ---------------------------------------------------------------------------------
# One JSON object per line in production (LOG_FORMAT=plain for people), phone numbers and
# credentials masked on every line (config/logs.py).
from config.logs import logging_config  # noqa: E402

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = choice("LOG_FORMAT", ("json", "plain"), default="json" if PRODUCTION else "plain")
LOGGING = logging_config(level=LOG_LEVEL, json_lines=LOG_FORMAT == "json")
# Installs the masking on every record the process makes, whatever logger or handler.
LOGGING_CONFIG = "config.logs.configure"
