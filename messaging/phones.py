"""Phone numbers: E.164 normalisation for texting, masking for logs, and the spellings a
number may have in the ServiceTitan mirror.

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

DEFAULT_REGION = "US"
_ALLOWED_CHARS = re.compile(r"^[\d\s().+\-/]+$")
_NEVER_MOBILE = {
    PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST, PhoneNumberType.UAN, PhoneNumberType.VOICEMAIL,
    PhoneNumberType.PAGER,
}


class InvalidPhoneNumber(ValueError):
    """The text is not a number we can text; the message says why."""


def normalize_phone(text: object) -> str:
    """The number in E.164 (``+14075550142``), or ``InvalidPhoneNumber`` saying why not."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidPhoneNumber("a phone number is required")
    raw = text.strip()
    if not _ALLOWED_CHARS.match(raw):
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


_E164_SYNTAX = re.compile(r"^\+[1-9]\d{7,14}$")


def preference_key(text: object) -> str:
    """The number as opt-out records key it: E.164, but without the mobile-only rules of
    ``normalize_phone``. Consent must be honoured from whatever number revokes it (a toll-free
    sender, a foreign landline, an area code the library does not know yet), so an E.164 number
    as Twilio sends it is taken as it is, and typed numbers only need to be possible ones."""
    if isinstance(text, str) and _E164_SYNTAX.match(text.strip()):
        return text.strip()
    if not isinstance(text, str) or not _ALLOWED_CHARS.match(text.strip() or "x"):
        raise InvalidPhoneNumber(f"{str(text)[:40]!r} is not a phone number")
    try:
        number = phonenumbers.parse(text.strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"{text.strip()!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber(f"{text.strip()!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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


def mirror_spellings(e164: str) -> list[str]:
    """How a US number may be written in ServiceTitan contacts (``value``), for an indexed
    ``value IN (…)`` lookup instead of normalising every row. ServiceTitan keeps what staff
    typed; these are the spellings seen in practice (digits only is ServiceTitan's own)."""
    if not e164.startswith("+1") or len(e164) != 12:
        return [e164, e164[1:]]
    n = e164[2:]
    area, exchange, line = n[:3], n[3:6], n[6:]
    return [e164, n, "1" + n, f"({area}) {exchange}-{line}", f"({area}){exchange}-{line}",
            f"{area}-{exchange}-{line}", f"{area}.{exchange}.{line}", f"{area} {exchange} {line}",
            f"1-{area}-{exchange}-{line}", f"+1 {area} {exchange} {line}",
            f"+1 ({area}) {exchange}-{line}"]
