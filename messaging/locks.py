"""One decision at a time per phone number: a PostgreSQL transaction-level advisory lock.

``preferences.opt_out`` takes it before it writes, and ``send_sms`` holds it from its last
opt-out check until Twilio has the text. So an opt-out that committed first is seen by the
check (nothing goes to Twilio), and one that comes while a text is being handed over waits
until Twilio has it (and then finds it sent, not pending). The sender holds the lock, and its
database connection, for the length of one Twilio request (the client's timeout bounds it).

Numbers share 1,024 locks (a hash of the number picks one). A transaction that opts out
thousands of numbers (an import) thus holds at most 1,024 of PostgreSQL's lock slots (its
shared table has about 64 per connection), and numbers sharing a lock only wait for each
other's Twilio call, which costs time, never correctness. Who locks several numbers at once
locks them in key order (``lock_numbers``), so two such transactions cannot deadlock.

On SQLite (the embedded single-process default) there is no such lock; the re-check remains.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.db import connection

from config.locks import space_key

# The first key of these advisory locks: names the lock space "texts to a number" (the
# named locks of config.locks use others).
_NAMESPACE = space_key("sms_number")
LOCKS = 1024


def number_key(phone: str) -> tuple[int, int]:
    """The advisory lock key of ``phone`` (its E.164 key)."""
    return _NAMESPACE, zlib.crc32(phone.encode()) % LOCKS


def lock_number(phone: str) -> None:
    """Hold ``phone``'s lock until the current transaction ends, waiting for any holder.
    Call inside ``transaction.atomic`` with the number's E.164 key."""
    lock_numbers([phone])


def lock_numbers(phones: Iterable[str]) -> None:
    """``lock_number`` for several numbers, in key order (taking a lock held already by this
    transaction is free)."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_number needs a transaction (it holds the lock until the end)")
    with connection.cursor() as cursor:
        for namespace, key in sorted({number_key(phone) for phone in phones}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])
