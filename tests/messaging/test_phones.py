import pytest

from messaging.phones import InvalidPhoneNumber, mask_phone, normalize_phone


@pytest.mark.parametrize("typed", [
    "+14075550142", "4075550142", "(407) 555-0142", "407.555.0142", "407-555-0142",
    "1-407-555-0142", "+1 (407) 555-0142", " 407 555 0142 ", "001 407 555 0142",
])
def test_what_people_type_becomes_e164(typed):
    assert normalize_phone(typed) == "+14075550142"


def test_an_international_mobile_keeps_its_country_code():
    assert normalize_phone("+44 7911 123456") == "+447911123456"


@pytest.mark.parametrize(("typed", "why"), [
    ("", "required"),
    ("1-800-FLOWERS", "not a phone number"),
    ("407-555-CALL", "not a phone number"),
    ("12345", "too short"),
    ("555-0142", "too short"),
    ("+1 407 555 01429", "not a valid phone number"),
    ("+1 099 555 0142", "not a valid phone number"),
    ("+1 800 555 0199", "cannot be a mobile"),
    ("+44 20 7183 8750", "cannot be a mobile"),
])
def test_what_cannot_be_a_mobile_number_is_refused_with_a_reason(typed, why):
    with pytest.raises(InvalidPhoneNumber, match=why):
        normalize_phone(typed)


def test_a_non_string_is_refused():
    with pytest.raises(InvalidPhoneNumber, match="required"):
        normalize_phone(None)


def test_masking_keeps_the_country_code_and_last_four_digits():
    assert mask_phone("+14075550142") == "+1******0142"
    assert mask_phone("+447911123456") == "+44******3456"
    assert mask_phone(None) == "-"
