"""Tunables of the ServiceTitan sync, declared in config/settings.py (``ST_*`` environment
variables). Read through ``setting()`` at call time so tests can override them."""

from __future__ import annotations

from django.conf import settings

NAMES = frozenset({
    "ST_RATE_LIMIT_PER_SECOND", "ST_SYNC_INTERVAL_MINUTES", "ST_SYNC_WORKERS", "ST_MAX_RETRIES",
    "ST_REQUEST_TIMEOUT_SECONDS", "ST_SYNC_BACKFILL_EVENTS",
})


def setting(name: str) -> int | float | bool:
    if name not in NAMES:
        raise KeyError(f"unknown ServiceTitan sync setting {name}")
    return getattr(settings, name)
