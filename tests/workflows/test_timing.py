from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from workflows.timing import backoff, next_business_day, next_time_of_day, parse_duration


@pytest.mark.parametrize(("text", "expected"), [
    ("30s", timedelta(seconds=30)), ("90m", timedelta(minutes=90)), ("2h", timedelta(hours=2)),
    ("2d", timedelta(days=2)), ("1w", timedelta(weeks=1)), ("1d12h", timedelta(hours=36)),
])
def test_durations_parse(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["2 days", "P2D", "", "0s", "h2", 5, None, "2d1w"])
def test_anything_else_is_refused_with_the_syntax_in_the_message(text):
    with pytest.raises(ValidationError, match=r"write e\.g\. 30s|longer than zero"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["99999999w", "9" * 30 + "s", "3651d"])
def test_a_duration_past_ten_years_is_refused_as_too_long_not_overflowed(text):
    with pytest.raises(ValidationError, match="is too long; the longest is 3650d"):
        parse_duration(text)


def test_next_time_of_day_is_today_when_still_ahead_in_business_time(settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 07:00 in New York
    assert next_time_of_day(now, time(9, 30)).astimezone(UTC) == datetime(2026, 3, 2, 14, 30,
                                                                           tzinfo=UTC)


def test_next_time_of_day_is_tomorrow_when_already_past(settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 11:00 in New York
    assert next_time_of_day(now, time(9, 30)).day == 3


def test_next_business_day_skips_the_weekend(settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    friday_evening = datetime(2026, 3, 6, 23, 0, tzinfo=UTC)
    wake = next_business_day(friday_evening, time(9, 0))
    assert (wake.weekday(), wake.hour, wake.day) == (0, 9, 9)


def test_backoff_doubles_and_is_capped():
    base = timedelta(seconds=30)
    assert [backoff(n, base).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(20, base) == timedelta(hours=1)
