"""A plain psycopg cursor on Django's PostgreSQL connection, for the few hot statements.

Django's psycopg cursors bind parameters client-side: every value is quoted into the SQL text
in Python, and PostgreSQL parses and plans the whole statement again on each call. A plain
``psycopg.Cursor`` on the same connection (so the same transaction) binds server-side, can send
arrays binary (``%b``), and can run a statement prepared (``execute(..., prepare=True)``):
planned once per connection, then only bound and executed. For a statement run per request,
such as the SMS webhook's insert, planning is most of PostgreSQL's work (``bench/RESULTS.md``,
Webhooks).

Errors come out as Django's (``IntegrityError`` and so on), as from a Django cursor. Queries
on this cursor bypass Django's execute wrappers, so they are not in ``connection.queries``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection


@contextmanager
def pg_cursor() -> Iterator[psycopg.Cursor]:
    """A server-side-binding cursor on the default connection (PostgreSQL only)."""
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def text_array(values: Iterable[str]) -> str:
    """``values`` as the text of a PostgreSQL ``text[]`` literal, to bind as one string and
    cast (``%s::text[]``): psycopg dumps a string in C but a list element by element in
    Python, which showed in the SMS webhook's profile."""
    quoted = (value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return "{" + ",".join(f'"{value}"' for value in quoted) + "}"
