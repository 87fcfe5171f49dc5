"""The phone key every table and lookup shares (``config.phones``)."""

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.phones import (
    InvalidPhoneNumber,
    _parsed_key,
    phone_key,
    phone_key_or_none,
    searched_phone,
)
from tests.phone_spellings import spelled_us_numbers


@given(spelled_us_numbers())
def test_every_usual_spelling_of_a_us_number_has_its_e164_key(number):
    e164, spelling = number
    assert phone_key(spelling) == e164


def _outcome(function, text):
    try:
        return function(text)
    except InvalidPhoneNumber:
        return InvalidPhoneNumber


@given(st.text(alphabet="0123456789 ()-.+/1", max_size=22))
def test_the_typed_number_shortcut_gives_what_phonenumbers_gives(text):
    assert _outcome(phone_key, text) == _outcome(_parsed_key, text)


@given(spelled_us_numbers())
def test_the_shortcut_agrees_with_phonenumbers_on_real_spellings(number):
    _, spelling = number
    assert phone_key(spelling) == _parsed_key(spelling)


@pytest.mark.parametrize("value", ["dana@example.com", "", "   ", "call me", None, 4075550142,
                                   "12"])
def test_what_is_not_a_phone_number_has_no_key(value):
    assert phone_key_or_none(value) is None


def test_a_number_as_twilio_sends_it_is_its_own_key():
    assert phone_key("+18005550100") == "+18005550100"
    assert phone_key("+442079460958") == "+442079460958"


def test_a_foreign_number_typed_with_its_country_code_is_keyed_by_phonenumbers():
    typed = "+44 20 7946 0958"
    assert phone_key(typed) == phonenumbers.format_number(
        phonenumbers.parse(typed), phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize(("term", "key"), [
    ("(407) 555-0142", "+14075550142"), ("407.555.0142", "+14075550142"),
    ("+44 20 7946 0958", "+442079460958"), ("555-0142", None), ("0142", None),
    ("Tuesday", None), ("", None)])
def test_a_search_is_a_phone_number_only_with_its_area_code(term, key):
    assert searched_phone(term) == key
