"""The one key a phone number is known by everywhere: E.164 for any *possible* number.

Opt-out records (``messaging``), the ServiceTitan contact mirror and the GHL contact mirror
all store this key (``phone``, ``phone_e164``) and every lookup by phone compares keys, so a
do-not-text contact typed ``(407) 555 0142`` in ServiceTitan and a STOP from
``+14075550142`` meet. It lives here, below every app, because all of them key by it.

The key is permissive on purpose: consent must be honoured from whatever number revokes it
(a toll-free sender, a foreign landline, an area code the library does not know yet), so an
E.164 number as Twilio sends it is taken as it is and a typed number only has to be possible
(``messaging.phones.normalize_phone`` adds the rules for numbers we may text).
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

DEFAULT_REGION = "US"
ALLOWED_CHARS = re.compile(r"^[\d\s().+\-/]+$")
_E164_SYNTAX = re.compile(r"^\+[1-9]\d{7,14}$")
# A North American number as people type it: (407) 555-0142, 1-407-555-0142, +1 407 555 0142.
# These are most of the mirror's values, and phonenumbers takes ~50 µs to parse one: without
# its separators the number is [+][1] and ten digits, the answer the same (tests/config/
# test_phones.py compares the two on generated spellings).
_SEPARATORS = str.maketrans("", "", " ().-")
_NANP_DIGITS = re.compile(r"^(?:\+?1)?([2-9]\d{9})$")


class InvalidPhoneNumber(ValueError):
    """The text is not a phone number (or not one we can text); the message says why."""


def phone_key(text: object) -> str:
    """The number as E.164 (``+14075550142``); ``InvalidPhoneNumber`` when the text is not
    a possible phone number (an email address, letters, too few or too many digits)."""
    if isinstance(text, str):
        stripped = text.strip()
        if _E164_SYNTAX.match(stripped):
            return stripped
        typed = _NANP_DIGITS.match(stripped.translate(_SEPARATORS))
        if typed:
            return "+1" + typed[1]
    return _parsed_key(text)


def phone_key_or_none(text: object) -> str | None:
    """``phone_key``, or None for what is not a phone number (a mirror's NULL)."""
    if not isinstance(text, str) or not ALLOWED_CHARS.match(text.strip() or "x"):
        return None  # an e-mail address, most often: no exception to raise and catch
    try:
        return phone_key(text)
    except InvalidPhoneNumber:
        return None


def searched_phone(term: str) -> str | None:
    """The E.164 key of a search that is a whole phone number (an area code, or a +country
    code); None for anything else, a local number such as ``555-0142`` included (searched as
    text, as before)."""
    digits = sum(char.isdigit() for char in term)
    if digits < 10 and not term.strip().startswith("+"):
        return None
    return phone_key_or_none(term)


def _parsed_key(text: object) -> str:
    if not isinstance(text, str) or not ALLOWED_CHARS.match(text.strip() or "x"):
        raise InvalidPhoneNumber(f"{str(text)[:40]!r} is not a phone number")
    try:
        number = phonenumbers.parse(text.strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"{text.strip()!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber(f"{text.strip()!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def backfill_phone_keys(connection: Any, table: str, source: str, *,
                        batch_size: int = 5000) -> int:
    """Fill ``phone_e164`` of ``table`` from its ``source`` column, for the migrations that
    add it: batches in id order (keyset), the keys computed in Python (phonenumbers is
    Python), each batch written with one statement. Returns the rows given a key."""
    quote = connection.ops.quote_name
    select = f"SELECT id, {quote(source)} FROM {quote(table)}"  # noqa: S608
    last, filled = None, 0
    with connection.cursor() as cursor:
        while True:
            if last is None:
                cursor.execute(f"{select} ORDER BY id LIMIT %s", [batch_size])
            else:
                cursor.execute(f"{select} WHERE id > %s ORDER BY id LIMIT %s",
                               [last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return filled
            keys = [(row_id, phone_key_or_none(value)) for row_id, value in rows]
            keys = [(row_id, key) for row_id, key in keys if key is not None]
            _write_keys(connection, cursor, table, keys)
            filled += len(keys)
            last = rows[-1][0]


def _write_keys(connection: Any, cursor: Any, table: str, keys: list[tuple[Any, str]]) -> None:
    if not keys:
        return
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        ids, values = zip(*keys, strict=True)
        id_type = "bigint" if isinstance(ids[0], int) else "text"  # ServiceTitan's or GHL's
        cursor.execute(f"UPDATE {quote(table)} AS t SET phone_e164 = k.key "  # noqa: S608
                       f"FROM unnest(%s::{id_type}[], %s::text[]) AS k(id, key) "
                       f"WHERE t.id = k.id", [list(ids), list(values)])
    else:
        cursor.executemany(f"UPDATE {quote(table)} SET phone_e164 = %s "  # noqa: S608
                           f"WHERE id = %s", [(key, row_id) for row_id, key in keys])
