"""Hypothesis strategies for phone numbers as people write them."""

from __future__ import annotations

import phonenumbers
from hypothesis import strategies as st

# Area codes phonenumbers knows as US (geographic and in service), from its own metadata.
US_AREA_CODES = sorted({
    code for code in range(201, 990)
    if phonenumbers.is_valid_number(phonenumbers.parse(f"+1{code}2345678", None))
    and phonenumbers.region_code_for_number(phonenumbers.parse(f"+1{code}2345678", None)) == "US"
})
SPELLINGS = (
    "+1{a}{b}{c}", "{a}{b}{c}", "1{a}{b}{c}", "({a}) {b}-{c}", "({a}){b}-{c}", "{a}-{b}-{c}",
    "{a}.{b}.{c}", "{a} {b} {c}", "1-{a}-{b}-{c}", "+1 {a} {b} {c}", "+1 ({a}) {b}-{c}",
    "+1-{a}-{b}-{c}", "{a} {b}-{c}", "({a}) {b} {c}", "1 ({a}) {b}-{c}", "1 {a} {b} {c}",
    "+1.{a}.{b}.{c}", " {a}-{b}-{c} ", "{a}/{b}-{c}", "1.{a}.{b}.{c}",
)


@st.composite
def us_numbers(draw) -> tuple[str, str, str]:
    """(area code, exchange, line) of a valid US number."""
    area = draw(st.sampled_from(US_AREA_CODES))
    exchange = draw(st.integers(200, 999).filter(lambda n: n % 100 != 11))
    line = draw(st.integers(0, 9999))
    return f"{area}", f"{exchange}", f"{line:04d}"


@st.composite
def spelled_us_numbers(draw) -> tuple[str, str]:
    """(E.164, the same number in one of the spellings staff type)."""
    a, b, c = draw(us_numbers())
    spelling = draw(st.sampled_from(SPELLINGS))
    return f"+1{a}{b}{c}", spelling.format(a=a, b=b, c=c)
