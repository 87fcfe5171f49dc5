from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import phonenumbers
import pytest

from messaging.quiet_hours import (
    STATE_AREA_CODES,
    STATE_SENDING_HOURS,
    NoCommonHours,
    next_allowed,
    recipient_window,
    sending_hours,
    state_code,
    zone_for_state,
)

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


# --- Recipients known only by their number (issue 11, item 5) ---------------------------------

def test_an_area_code_in_one_zone_places_the_recipient_there():
    window = recipient_window(None, "+13105550142", DAY)
    assert window.zones == (LOS_ANGELES,) and window.hours == DAY


def test_a_known_state_wins_over_the_area_code():
    window = recipient_window("NY", "+13105550142", DAY)
    assert window.zones == (NEW_YORK,) and window.basis == "state NY"


def test_an_area_code_spanning_two_zones_sends_only_when_both_are_in_the_day():
    window = recipient_window(None, "+16055550100", DAY)  # South Dakota: Central and Mountain
    assert len(window.zones) == 2
    eight_central = datetime(2026, 6, 10, 13, 0, tzinfo=UTC)  # 7:00 in Denver
    assert window.next_allowed(eight_central) == datetime(2026, 6, 10, 14, 0, tzinfo=UTC)
    nine_pm_mountain = datetime(2026, 6, 11, 2, 30, tzinfo=UTC)  # 20:30 MDT, 21:30 CDT
    assert window.next_allowed(nine_pm_mountain) == datetime(2026, 6, 11, 14, 0, tzinfo=UTC)


def test_a_florida_area_code_ends_the_day_at_eight_pm():
    assert recipient_window(None, "+14075550142", DAY).hours == (8, 20)


def test_a_number_that_gives_no_time_zone_falls_back_to_the_business_zone_and_says_so(
        settings, caplog):
    settings.BUSINESS_TIME_ZONE = "America/Chicago"
    window = recipient_window(None, "+999123456789", DAY)
    assert window.zones == (ZoneInfo("America/Chicago"),)
    assert "business time zone" in caplog.text and "+99******6789" in caplog.text


def test_zones_that_share_no_sending_hour_are_refused():
    office_hours = (9, 17)  # 13:00–21:00 UTC in New York, 00:00–08:00 UTC in Tokyo
    with pytest.raises(NoCommonHours):
        next_allowed(datetime(2026, 6, 10, 22, 0, tzinfo=UTC),
                     (NEW_YORK, ZoneInfo("Asia/Tokyo")), office_hours)


def test_the_stricter_states_area_codes_are_those_phonenumbers_places_there():
    from phonenumbers import geocoder

    found: dict[str, list[str]] = {}
    for code in range(201, 1000):
        number = phonenumbers.parse(f"+1{code}2345678")
        if phonenumbers.is_valid_number(number) and \
                phonenumbers.region_code_for_number(number) == "US":
            state = state_code(geocoder.description_for_number(number, "en").rsplit(",")[-1])
            if state in STATE_SENDING_HOURS:
                found.setdefault(state, []).append(str(code))
    assert found == {state: list(codes) for state, codes in STATE_AREA_CODES.items()}
