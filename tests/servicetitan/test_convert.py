from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from servicetitan.convert import (
    UnfitValue,
    dig,
    fallback_for,
    flag,
    money,
    parse_decimal,
    parse_flag,
    parse_id,
    parse_int,
    parse_text,
    parse_time,
    parser_for,
    ref,
    text,
)
from servicetitan.models import Customer, CustomerContact, Job


def test_it_reads_servicetitans_seven_digit_fractions_as_utc():
    assert parse_time("2024-01-03T22:11:50.4122300Z") == datetime(
        2024, 1, 3, 22, 11, 50, 412230, tzinfo=UTC)


def test_it_takes_a_bare_date_as_midnight_utc():
    assert parse_time("2023-05-10") == datetime(2023, 5, 10, tzinfo=UTC)


def test_it_keeps_an_explicit_offset():
    assert parse_time("2024-01-03T22:11:50+02:00").utcoffset() == timedelta(hours=2)
    assert parse_time("2024-01-03T22:11:50+02:00").tzinfo == timezone(timedelta(hours=2))


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", 20240101, ""])
def test_it_refuses_what_is_not_a_date_time(value):
    with pytest.raises(UnfitValue, match="is not a date-time"):
        parse_time(value)


def test_money_strings_become_decimals():
    assert parse_decimal("1250.00", 2, 14) == Decimal("1250.00")


def test_money_floats_become_exact_decimals():
    assert parse_decimal(532.12, 2, 14) == Decimal("532.12")


def test_money_is_rounded_half_up_as_postgresql_rounds():
    assert parse_decimal("0.125", 2, 14) == Decimal("0.13")
    assert parse_decimal("-0.125", 2, 14) == Decimal("-0.13")


@pytest.mark.parametrize("value", ["N/A", "NaN", "Infinity", True, [1], {"a": 1}])
def test_it_refuses_what_is_not_a_number(value):
    with pytest.raises(UnfitValue, match="is not a number"):
        parse_decimal(value, 2, 14)


def test_it_refuses_an_amount_too_large_for_the_column():
    with pytest.raises(UnfitValue, match="too large"):
        parse_decimal("1000000000000", 2, 14)


def test_ids_may_come_as_digit_strings():
    assert parse_id("10000004") == 10000004


@pytest.mark.parametrize("value", [-1, 2**63, "12a", 1.5, True])
def test_it_refuses_what_is_not_an_id(value):
    with pytest.raises(UnfitValue, match="is not an id"):
        parse_id(value)


def test_whole_numbers_accept_integral_floats_only():
    assert parse_int(3600.0) == 3600
    with pytest.raises(UnfitValue):
        parse_int(1.5)


def test_flags_must_be_booleans():
    assert parse_flag(False) is False
    with pytest.raises(UnfitValue, match="not true or false"):
        parse_flag("false")


def test_text_is_cut_to_the_column_length():
    assert parse_text("x" * 300, 255) == "x" * 255


def test_text_refuses_objects():
    with pytest.raises(UnfitValue, match="is not text"):
        parse_text({"name": "x"}, 40)


def test_dig_follows_dotted_paths_and_stops_at_non_objects():
    record = {"customer": {"id": 7}, "job": None}
    assert dig(record, ("customer", "id")) == 7
    assert dig(record, ("job", "id")) is None


def test_a_missing_value_of_a_text_column_without_a_default_is_empty_text():
    parse = parser_for(text("value"), CustomerContact._meta.get_field("value"))
    assert parse(None) == ""


def test_a_reference_the_spec_requires_may_be_null():
    parse = parser_for(ref("customerId"), CustomerContact._meta.get_field("customer_id"))
    assert parse(None) is None


def test_a_value_that_does_not_fit_falls_back_to_the_columns_empty_value():
    assert fallback_for(money("total"), Job._meta.get_field("total")) is None
    assert fallback_for(text("name"), Customer._meta.get_field("name")) == ""
    assert fallback_for(flag("active"), Customer._meta.get_field("active")) is True


def test_a_consent_flag_that_is_not_a_boolean_falls_back_to_the_cautious_side():
    source = flag("phoneSettings.doNotText", unfit=True)
    assert fallback_for(source, CustomerContact._meta.get_field("do_not_text")) is True


def test_a_missing_value_takes_the_columns_default():
    parse = parser_for(text("memo"), CustomerContact._meta.get_field("memo"))
    assert parse(None) == ""


def test_a_missing_nullable_value_is_null():
    assert parser_for(money("total"), Job._meta.get_field("total"))(None) is None


def test_the_decimal_places_come_from_the_model_field():
    parse = parser_for(money("balance"), Customer._meta.get_field("balance"))
    assert parse("12.345") == Decimal("12.35")


def test_an_unfit_value_is_shown_cut_short():
    with pytest.raises(UnfitValue, match=r"^'x{59}… is not a number$"):
        parse_decimal("x" * 500, 2, 14)
