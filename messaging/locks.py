"""One decision at a time per phone number: a PostgreSQL transaction-level advisory lock.

``preferences.opt_out`` takes it before it writes, and ``send_sms`` holds it from its last
opt-out check until Twilio has the text. So an opt-out that committed first is seen by the
check (nothing goes to Twilio), and one that comes while a text is being handed over waits
until Twilio has it (and then finds it sent, not pending). The sender holds the lock, and its
database connection, for the length of one Twilio request (the client's timeout bounds it).

On SQLite (the embedded single-process default) there is no such lock; the re-check remains.
"""

from __future__ import annotations

import zlib

from django.db import connection

# The first key of these advisory locks: names the lock space "texts to a number" (the
# ServiceTitan sync's locks use another).
_NAMESPACE = zlib.crc32(b"perfectcatch:sms_number") & 0x7FFFFFFF


def number_key(phone: str) -> tuple[int, int]:
    """The advisory lock key of ``phone`` (two numbers may share one: they then wait for each
    other, which costs time, never correctness)."""
    return _NAMESPACE, zlib.crc32(phone.encode()) & 0x7FFFFFFF


def lock_number(phone: str) -> None:
    """Hold ``phone``'s lock until the current transaction ends, waiting for any holder.
    Call inside ``transaction.atomic`` with the number's E.164 key."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_number needs a transaction (it holds the lock until the end)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(number_key(phone)))
