"""Phone numbers: E.164 normalisation for texting, the key opt-outs and mirrors are looked
up by (``preference_key``), masking for logs.

``normalize_phone`` accepts what people type (``(407) 555-0142``, ``407.555.0142``,
``+1 407 555 0142``, ``001 …``), assumes the US when there is no country code, and refuses
what cannot be texted: letters (vanity numbers), short codes, numbers too short or too long,
and number types that are never mobile (fixed line where a country tells them apart, toll
free, premium rate, shared cost, UAN, voicemail, pager). US numbers cannot be told apart
from mobiles by their digits (``FIXED_LINE_OR_MOBILE``), so a US landline passes here and is
caught by Twilio (21614 / 30006) instead.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType

from config.phones import ALLOWED_CHARS, DEFAULT_REGION, InvalidPhoneNumber, phone_key

__all__ = ["DEFAULT_REGION", "InvalidPhoneNumber", "mask_phone", "normalize_phone",
           "preference_key", "try_normalize"]
_NEVER_MOBILE = {
    PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST, PhoneNumberType.UAN, PhoneNumberType.VOICEMAIL,
    PhoneNumberType.PAGER,
}


def normalize_phone(text: object) -> str:
    """The number in E.164 (``+14075550142``), or ``InvalidPhoneNumber`` saying why not."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidPhoneNumber("a phone number is required")
    raw = text.strip()
    if not ALLOWED_CHARS.match(raw):
        raise InvalidPhoneNumber(f"{raw[:40]!r} is not a phone number: only digits, spaces "
                                 f"and + ( ) . - / are allowed")
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 10 and not raw.startswith("+"):
        raise InvalidPhoneNumber(f"{raw!r} is too short for a mobile number (short codes and "
                                 f"local numbers without an area code cannot be texted)")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(f"{raw!r} is not a valid phone number (wrong length or an "
                                 f"area code that does not exist)")
    if phonenumbers.number_type(number) in _NEVER_MOBILE:
        raise InvalidPhoneNumber(f"{raw!r} cannot be a mobile number (it is a landline, "
                                 f"toll-free or service number)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def preference_key(text: object) -> str:
    """The number as opt-out records key it: ``config.phones.phone_key``, the key the
    ServiceTitan and GHL mirrors store in ``phone_e164`` too. E.164, but without the
    mobile-only rules of ``normalize_phone``: consent is honoured from whatever number
    revokes it."""
    return phone_key(text)


def try_normalize(text: object) -> str | None:
    try:
        return normalize_phone(text)
    except InvalidPhoneNumber:
        return None


def mask_phone(number: str | None) -> str:
    """For logs: ``+14075550142`` → ``+1******0142``; short or odd values keep 2 chars."""
    if not number:
        return "-"
    if number.startswith("+") and len(number) > 6:
        head = 2 if number.startswith("+1") else 3
        return number[:head] + "*" * (len(number) - head - 4) + number[-4:]
    return number[:2] + "*" * max(len(number) - 2, 0)
