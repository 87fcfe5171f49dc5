"""Relative dates: periods ("10y", "12mo", "30d", "2w") counted back or forward from the
evaluation time in the business time zone.

Two kinds of field are compared differently:

- a **datetime** (``created_on``, ``completed_on``) against an instant: the evaluation's local
  wall-clock time moved by the period on the calendar, then placed in the business time zone.
  Evaluated at 09:00 the Tuesday after the clocks went forward, "3 days ago" is 09:00 on the
  Saturday before (EST), not 72 hours earlier (08:00 EST).
- a **date** (ServiceTitan sends ``installedOn``, membership ``from``/``to``, invoice dates as
  midnight UTC: a calendar date, not a moment) by its UTC calendar day against the local day
  moved by the period. Read as a moment it would be the evening before in America/New_York.

Months and years move on the calendar and keep the day when the month has it, else take the
month's last day: one month before 31 March is 28 (or 29) February, one year after
29 February 2028 is 28 February 2029.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from workflows.timing import business_zone

_PERIOD = re.compile(r"^([1-9]\d{0,3})(d|w|mo|y)$")
UNIT_WORDS = {"d": "day", "w": "week", "mo": "month", "y": "year"}


@dataclass(frozen=True)
class Period:
    count: int
    unit: str   # d, w, mo, y

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    @property
    def words(self) -> str:
        word = UNIT_WORDS[self.unit]
        return f"{self.count} {word}{'' if self.count == 1 else 's'}"

    def shift(self, moment: date | datetime, sign: int) -> date | datetime:
        """``moment`` moved by the period, forward (``sign`` 1) or back (-1), on the
        calendar."""
        if self.unit in ("d", "w"):
            return moment + sign * timedelta(days=self.count * (7 if self.unit == "w" else 1))
        months = sign * self.count * (12 if self.unit == "y" else 1)
        year, month = divmod(moment.month - 1 + months, 12)
        year, month = moment.year + year, month + 1
        return moment.replace(year=year, month=month,
                              day=min(moment.day, calendar.monthrange(year, month)[1]))


def parse_period(text: object, where: str = "value") -> Period:
    match = _PERIOD.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValidationError(f"{where}: {text!r} is not a period; write a whole number and "
                              f"d, w, mo or y, e.g. 30d, 2w, 12mo, 10y")
    return Period(int(match[1]), match[2])


@dataclass(frozen=True)
class Clock:
    """The moment an audience is evaluated at, as its rules see it."""

    now: datetime        # aware

    @property
    def zone(self) -> ZoneInfo:
        return business_zone()

    @property
    def local(self) -> datetime:
        return self.now.astimezone(self.zone)

    @property
    def today(self) -> date:
        return self.local.date()

    def instant(self, period: Period, sign: int) -> datetime:
        """The local wall-clock time moved by ``period``, as an aware moment (a wall time the
        clocks skipped takes the offset from before the change)."""
        wall = self.local.replace(tzinfo=None)
        return period.shift(wall, sign).replace(tzinfo=self.zone)

    def day(self, period: Period, sign: int) -> date:
        return period.shift(self.today, sign)


def day_start(day: date) -> datetime:
    """Where a date field's ``day`` begins: midnight UTC, as ServiceTitan writes dates."""
    return datetime.combine(day, time(), tzinfo=UTC)


def field_day(value: datetime) -> date:
    """A date field's calendar day (its UTC date)."""
    return value.astimezone(UTC).date()
