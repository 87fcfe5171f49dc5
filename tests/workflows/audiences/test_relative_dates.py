"""Relative dates in audience rules: against the evaluation time in the business time zone,
datetimes by the local wall clock (DST), dates by their calendar day, months on the
calendar (month ends, leap years)."""

from __future__ import annotations

import pytest
import time_machine

from tests.workflows.audiences.conftest import local, selected, utc
from tests.workflows.factories import (
    EstimateFactory,
    InstalledEquipmentFactory,
    JobFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db
OLDER_THAN_3_DAYS = {"field": "created_on", "op": "more_than_ago", "value": "3d"}


@pytest.fixture(autouse=True)
def new_york(settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"


def test_days_ago_count_back_on_the_local_clock_after_the_clocks_go_forward():
    # Tuesday 09:00 EDT, two days after DST began: three days back is Saturday 09:00 EST
    # (14:00 UTC), not 72 hours back (13:00 UTC).
    older = EstimateFactory(created_on=utc(2026, 3, 7, 13, 30))
    newer = EstimateFactory(created_on=utc(2026, 3, 7, 14, 30))
    with time_machine.travel(local(2026, 3, 10, 9, 0), tick=False):
        assert selected("estimate", OLDER_THAN_3_DAYS) == {older.id}
    assert newer.id not in selected("estimate", OLDER_THAN_3_DAYS, local(2026, 3, 10, 9, 0))


def test_days_ago_count_back_on_the_local_clock_after_the_clocks_go_back():
    # Tuesday 09:00 EST, two days after DST ended: three days back is Saturday 09:00 EDT
    # (13:00 UTC), not 72 hours back (14:00 UTC).
    older = EstimateFactory(created_on=utc(2026, 10, 31, 12, 30))
    EstimateFactory(created_on=utc(2026, 10, 31, 13, 30))
    with time_machine.travel(local(2026, 11, 3, 9, 0), tick=False):
        assert selected("estimate", OLDER_THAN_3_DAYS) == {older.id}


def test_within_the_last_months_reaches_back_to_the_same_local_time():
    rule = {"field": "completed_on", "op": "within_last", "value": "12mo"}
    inside = JobFactory(completed_on=local(2025, 3, 10, 9, 30))
    JobFactory(completed_on=local(2025, 3, 10, 8, 30))
    JobFactory(completed_on=local(2026, 3, 10, 9, 30))   # later today: not yet
    with time_machine.travel(local(2026, 3, 10, 9, 0), tick=False):
        assert selected("job", rule) == {inside.id}


def test_a_month_back_from_the_31st_is_the_last_day_of_february():
    rule = {"field": "installed_on", "op": "more_than_ago", "value": "1mo"}
    before = InstalledEquipmentFactory(installed_on=utc(2026, 2, 27))
    InstalledEquipmentFactory(installed_on=utc(2026, 2, 28))   # exactly a month ago
    with time_machine.travel(local(2026, 3, 31, 10, 0), tick=False):
        assert selected("installed_equipment", rule) == {before.id}


def test_within_the_next_month_from_the_31st_ends_on_the_last_day_of_next_month():
    rule = {"field": "to_date", "op": "within_next", "value": "1mo"}
    last = MembershipFactory(to_date=utc(2026, 4, 30))
    MembershipFactory(to_date=utc(2026, 5, 1))
    first = MembershipFactory(to_date=utc(2026, 3, 31))   # today counts
    MembershipFactory(to_date=utc(2026, 3, 30))
    with time_machine.travel(local(2026, 3, 31, 10, 0), tick=False):
        assert selected("membership", rule) == {last.id, first.id}


def test_a_year_back_from_the_29th_of_february_is_the_28th():
    rule = {"field": "installed_on", "op": "within_last", "value": "1y"}
    edge = InstalledEquipmentFactory(installed_on=utc(2027, 2, 28))
    InstalledEquipmentFactory(installed_on=utc(2027, 2, 27))
    with time_machine.travel(local(2028, 2, 29, 10, 0), tick=False):
        assert selected("installed_equipment", rule) == {edge.id}


def test_a_date_field_is_its_calendar_day_not_the_evening_before_in_new_york():
    # ServiceTitan's midnight UTC is 20:00 the day before in New York: read as a moment, this
    # unit would already be ten years old on its tenth anniversary.
    rule = {"field": "installed_on", "op": "more_than_ago", "value": "10y"}
    unit = InstalledEquipmentFactory(installed_on=utc(2016, 5, 10))
    assert selected("installed_equipment", rule, local(2026, 5, 10, 9, 0)) == set()
    assert selected("installed_equipment", rule, local(2026, 5, 11, 9, 0)) == {unit.id}


def test_today_is_the_business_time_zones_day_late_in_the_evening():
    # 23:30 in New York is already tomorrow in UTC; the membership ends today, locally.
    rule = {"field": "to_date", "op": "within_next", "value": "30d"}
    ending = MembershipFactory(to_date=utc(2026, 5, 10))
    with time_machine.travel(local(2026, 5, 10, 23, 30), tick=False):
        assert selected("membership", rule) == {ending.id}


def test_more_than_ahead_and_within_next_split_the_future_between_them():
    near = MembershipFactory(to_date=utc(2026, 6, 9))
    far = MembershipFactory(to_date=utc(2026, 6, 10))
    now = local(2026, 5, 10, 9, 0)
    assert selected("membership", {"field": "to_date", "op": "within_next", "value": "30d"},
                    now) == {near.id}
    assert selected("membership", {"field": "to_date", "op": "more_than_ahead",
                                   "value": "30d"}, now) == {far.id}


def test_an_empty_date_passes_no_relative_date_but_its_opposite_under_not():
    empty = MembershipFactory(to_date=None)
    rule = {"field": "to_date", "op": "within_next", "value": "30d"}
    now = local(2026, 5, 10, 9, 0)
    assert selected("membership", rule, now) == set()
    assert selected("membership", {"not": rule}, now) == {empty.id}
