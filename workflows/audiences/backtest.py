"""Backtest an audience: what its daily evaluations would have done over the last N days.

Each day's audience is evaluated in SQL as of that day's evaluation time (the rule's relative
dates move with it); the entry policy and the daily cap are then played forward over the days
(the ids, not the rows: nothing is written). Records are read as they are now — a membership
renewed since still shows its new ``to_date`` — as the event backtest reads related records
as they are now; instances that exist are not counted (the backtest asks what the definition
would do from a clean slate), and with ``every_n_days`` an instance still running on the day
it could enter again is not known (it would keep the record out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from workflows.audiences.config import Audience
from workflows.audiences.evaluation import members
from workflows.audiences.periods import Clock

MAX_DAYS = 90


@dataclass
class BacktestDay:
    day: date
    in_audience: int
    entered: int
    capped: int


@dataclass
class AudienceBacktest:
    days: list[BacktestDay] = field(default_factory=list)
    entities: int = 0              # distinct records that would have entered
    sample: list[dict] = field(default_factory=list)

    @property
    def entered(self) -> int:
        return sum(d.entered for d in self.days)


def backtest_audience(audience: Audience, *, days: int, now: datetime | None = None,
                      sample_size: int = 25) -> AudienceBacktest:
    """The last ``days`` days (at most ``MAX_DAYS``), oldest first."""
    now = now or timezone.now()
    today = Clock(now).today
    result = AudienceBacktest()
    last_entry: dict[int, date] = {}
    for back in range(min(days, MAX_DAYS) - 1, -1, -1):
        day = today - timedelta(days=back)
        at = datetime.combine(day, audience.at, tzinfo=Clock(now).zone)
        found = members(audience, at)
        ids = sorted(found.model.objects.filter(found.q).values_list("pk", flat=True))
        newcomers = [i for i in ids if _may_enter(audience, last_entry.get(i), day)]
        entering = newcomers if audience.daily_cap is None else newcomers[:audience.daily_cap]
        for entity_id in entering:
            last_entry[entity_id] = day
            if len(result.sample) < sample_size:
                result.sample.append({"entity_type": audience.entity, "entity_id": entity_id,
                                      "day": day})
        result.days.append(BacktestDay(day, len(ids), len(entering),
                                       len(newcomers) - len(entering)))
    result.entities = len(last_entry)
    return result


def _may_enter(audience: Audience, last: date | None, day: date) -> bool:
    if last is None:
        return True
    return audience.entry == "every_n_days" and (day - last).days >= audience.entry_days
