from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from messaging.quiet_hours import next_allowed, sending_hours, state_code, zone_for_state

NEW_YORK, LOS_ANGELES = ZoneInfo("America/New_York"), ZoneInfo("America/Los_Angeles")
DAY = (8, 21)


@pytest.mark.parametrize(("state", "zone"), [
    ("FL", "America/New_York"), ("fl", "America/New_York"), ("Florida", "America/New_York"),
    ("AZ", "America/Phoenix"), ("HI", "Pacific/Honolulu"), ("AK", "America/Anchorage"),
    ("TX", "America/Chicago"), ("CA", "America/Los_Angeles"), ("N.Y.", "America/New_York"),
    ("new  york", "America/New_York"), ("IN", "America/Indiana/Indianapolis"),
])
def test_a_us_state_maps_to_its_dominant_time_zone(state, zone):
    assert zone_for_state(state) == ZoneInfo(zone)


@pytest.mark.parametrize("state", ["", None, "ZZ", "Ontario"])
def test_an_unknown_state_falls_back_to_the_business_time_zone(settings, state):
    settings.BUSINESS_TIME_ZONE = "America/Denver"
    assert state_code(state) is None
    assert zone_for_state(state) == ZoneInfo("America/Denver")


def test_inside_the_sending_hours_a_text_may_go_now():
    assert next_allowed(datetime(2026, 6, 10, 14, 0, tzinfo=UTC), NEW_YORK, DAY) is None


def test_after_nine_pm_it_waits_until_eight_the_next_morning_local_time():
    late = datetime(2026, 6, 10, 21, 30, tzinfo=NEW_YORK)
    assert next_allowed(late, NEW_YORK, DAY) == datetime(2026, 6, 11, 8, 0, tzinfo=NEW_YORK)


def test_before_eight_am_it_waits_until_eight_the_same_morning():
    early = datetime(2026, 6, 10, 6, 59, tzinfo=NEW_YORK)
    assert next_allowed(early, NEW_YORK, DAY) == datetime(2026, 6, 10, 8, 0, tzinfo=NEW_YORK)


def test_the_same_instant_is_quiet_in_new_york_but_allowed_in_los_angeles():
    instant = datetime(2026, 6, 11, 1, 30, tzinfo=UTC)  # 21:30 in New York, 18:30 in LA
    assert next_allowed(instant, LOS_ANGELES, DAY) is None
    assert next_allowed(instant, NEW_YORK, DAY) == datetime(2026, 6, 11, 12, 0, tzinfo=UTC)


def test_the_next_morning_follows_a_daylight_saving_change():
    night = datetime(2026, 3, 7, 22, 0, tzinfo=NEW_YORK)  # DST starts 8 March 2026, 2:00
    morning = next_allowed(night, NEW_YORK, DAY)
    assert morning.astimezone(UTC) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 8:00 EDT


def test_arizona_keeps_standard_time_all_year():
    summer = datetime(2026, 7, 1, 14, 30, tzinfo=UTC)  # 7:30 in Phoenix (MST, UTC-7)
    assert next_allowed(summer, zone_for_state("AZ"), DAY).astimezone(UTC) == \
        datetime(2026, 7, 1, 15, 0, tzinfo=UTC)


def test_a_stricter_state_ends_the_day_earlier():
    assert sending_hours("FL", DAY) == (8, 20)
    assert sending_hours("GA", DAY) == (8, 21)
