"""Tunables of the ServiceTitan sync, read from Django settings when set there, else from the
environment, else the defaults below. (config/settings.py does not declare them yet; the
environment variables are the supported way to change them.)"""

from __future__ import annotations

from django.conf import settings

from config.env import env

DEFAULTS: dict[str, int | float] = {
    # ServiceTitan allows 60 calls per second per app and tenant, across all our threads.
    "ST_RATE_LIMIT_PER_SECOND": 60.0,
    "ST_SYNC_INTERVAL_MINUTES": 5,
    "ST_SYNC_WORKERS": 4,
    "ST_MAX_RETRIES": 10,
    "ST_REQUEST_TIMEOUT_SECONDS": 60.0,
    # 1: the first complete read of a resource announces every record as created (see
    # servicetitan/changes.py); 0 (default): the backfill announces nothing.
    "ST_SYNC_BACKFILL_EVENTS": 0,
}


def setting(name: str) -> int | float:
    """The value of one tunable (a Django setting wins over the environment)."""
    default = DEFAULTS[name]
    if hasattr(settings, name):
        return getattr(settings, name)
    if isinstance(default, int):
        return env.int(name, default=default)
    return env.float(name, default=default)
