"""Durations and business time for waits and retry backoff.

Durations are one syntax: whole numbers with units, largest first, no spaces —
``30s``, ``90m``, ``2h``, ``2d``, ``1w``, ``1d12h``. Times of day are ``HH:MM`` (24-hour) in
``settings.BUSINESS_TIME_ZONE``; business days are Monday to Friday.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError

_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1),
          "m": timedelta(minutes=1), "s": timedelta(seconds=1)}
_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# Longer than any wait, backoff or backtest window means something, and short enough that
# adding it to now stays a date (a huge number of weeks overflows ``datetime``).
MAX_DURATION = timedelta(days=3650)


def parse_duration(text: object, where: str = "duration") -> timedelta:
    """``"1d12h"`` → 36 hours. Raises ``ValidationError`` for anything else, for zero and for
    more than ``MAX_DURATION``."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match or not any(match.groups()):
        raise ValidationError(f"{where}: {text!r} is not a duration; write e.g. 30s, 90m, "
                              f"2h, 2d, 1w or 1d12h")
    try:
        total = sum((int(n) * unit for n, unit in zip(match.groups(), _UNITS.values(),
                                                       strict=True) if n), timedelta())
    except OverflowError:
        total = MAX_DURATION + timedelta(seconds=1)
    if not total:
        raise ValidationError(f"{where}: a duration must be longer than zero")
    if total > MAX_DURATION:
        raise ValidationError(f"{where}: {text[:20]!r} is too long; the longest is "
                              f"{MAX_DURATION.days}d")
    return total


def parse_time_of_day(text: object, where: str = "at") -> time:
    match = _TIME_OF_DAY.match(text) if isinstance(text, str) else None
    if not match:
        raise ValidationError(f"{where}: {text!r} is not a time of day; write HH:MM, e.g. 09:30")
    return time(int(match[1]), int(match[2]))


def business_zone() -> ZoneInfo:
    return ZoneInfo(settings.BUSINESS_TIME_ZONE)


def next_time_of_day(now: datetime, at: time) -> datetime:
    """The next moment after ``now`` when the business clock shows ``at``."""
    local = now.astimezone(business_zone())
    candidate = datetime.combine(local.date(), at, tzinfo=local.tzinfo)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=local.tzinfo)
    return candidate


def next_business_day(now: datetime, at: time) -> datetime:
    """``at`` o'clock on the first Monday–Friday after today (business time zone)."""
    day = now.astimezone(business_zone()).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=business_zone())


def backoff(attempt: int, base: timedelta, cap: timedelta = timedelta(hours=1)) -> timedelta:
    """Exponential backoff after failed attempt number ``attempt`` (1-based): base, 2×, 4×…"""
    return min(base * (2 ** max(attempt - 1, 0)), cap)
