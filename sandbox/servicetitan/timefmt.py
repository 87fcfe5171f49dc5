"""Times as integer microseconds since the Unix epoch (UTC), and their ServiceTitan spelling.

ServiceTitan writes .NET round-trip timestamps with seven fractional digits and a ``Z``
(``2024-03-05T14:07:33.1234560Z``); date-only values as midnight UTC. Integers keep the
sandbox's arrays small and comparisons exact.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
YEAR = 365 * DAY

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def wall_clock() -> int:
    return time.time_ns() // 1000


@lru_cache(maxsize=8192)
def _day(days: int) -> str:
    return date.fromordinal(_EPOCH_ORDINAL + days).isoformat()


@lru_cache(maxsize=8192)  # a record's items and children share timestamps
def iso(us: int) -> str:
    """``2024-03-05T14:07:33.1234560Z``."""
    days, rest = divmod(us, DAY)
    seconds, micro = divmod(rest, SECOND)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{_day(days)}T{hours:02d}:{minutes:02d}:{seconds:02d}.{micro:06d}0Z"


def iso_midnight(us: int) -> str:
    """The day of ``us`` as ``2024-03-05T00:00:00Z`` (ServiceTitan's date-valued fields)."""
    return f"{_day(us // DAY)}T00:00:00Z"


def iso_date(us: int) -> str:
    """``2024-03-05`` (fields the spec types as ``format: date``)."""
    return _day(us // DAY)


def start_of_day(us: int) -> int:
    return us - us % DAY


def parse(text: str) -> int | None:
    """An ISO 8601 date or date-time (naive means UTC) as microseconds, or None if it is not
    one. Accepts what ServiceTitan accepts in filters: ``2024-01-01``, ``2024-01-01T10:00:00``,
    with ``Z`` or an offset, with up to seven fractional digits."""
    if not isinstance(text, str) or not text[:4].isdigit():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // timedelta(microseconds=1)
