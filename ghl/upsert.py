"""Bulk upserts that never move a mirror row back in time.

``upsert(model, rows)`` writes many rows in one ``INSERT … ON CONFLICT (id) DO UPDATE …
WHERE …`` statement (PostgreSQL and SQLite both have it). The WHERE keeps a row as it is when
the incoming state is older than the one stored (``as_of``), or as old and identical, so a
sync page read before a webhook was applied cannot undo the webhook, and re-reading unchanged
records writes nothing. Returns the ids actually inserted or written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def upsert(model: type[models.Model], rows: Sequence[dict[str, Any]], *,
           batch_size: int = 500) -> set[str]:
    """Insert or update ``rows`` (dicts of field name → value, each with the primary key).

    Every row must carry the same fields (``ValueError`` otherwise): fields left out get their
    default on insert and are left alone on update.
    """
    pk = model._meta.pk.name
    rows = list({row[pk]: row for row in rows}.values())  # one id twice in a statement fails
    if not rows:
        return set()
    written: set[str] = set()
    for start in range(0, len(rows), batch_size):
        written |= _upsert_batch(model, rows[start:start + batch_size])
    return written


def _upsert_batch(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> set[str]:
    meta = model._meta
    given = sorted(rows[0])
    if any(sorted(row) != given for row in rows):
        raise ValueError(f"every {model.__name__} row must carry the same fields")
    given_fields = {meta.get_field(name).attname: name for name in given}
    # Inserts fill what a row leaves out with the model's default (Django defaults are not
    # database defaults); updates touch only what the rows carry.
    fields = [f for f in meta.concrete_fields if f.attname in given_fields or f.has_default()]
    pk = meta.pk.column
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params: list[Any] = []
    for row in rows:
        params.extend(f.get_db_prep_save(
            row[given_fields[f.attname]] if f.attname in given_fields else f.get_default(),
            connection) for f in fields)
    updated = [f for f in fields if f.column != pk and f.attname in given_fields]
    assignments = ", ".join(f"{quote(f.column)} = excluded.{quote(f.column)}" for f in updated)
    # Only quoted model metadata goes into the text; every value is a parameter.
    values = ", ".join([placeholders] * len(rows))
    sql = (f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
           f"ON CONFLICT ({quote(pk)}) DO UPDATE SET {assignments} "
           f"WHERE {_newer_and_different(table, updated, quote)} RETURNING {quote(pk)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {str(value) for (value,) in cursor.fetchall()}


def _newer_and_different(table: str, fields: list[models.Field], quote) -> str:
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    compared = [f for f in fields if f.name not in ("synced_at", "as_of")]
    different = " OR ".join(
        f"{table}.{quote(f.column)} {distinct} excluded.{quote(f.column)}" for f in compared)
    if not any(f.name == "as_of" for f in fields):
        return f"({different or 'FALSE'})"
    t, x = f"{table}.{quote('as_of')}", f"excluded.{quote('as_of')}"
    # Strictly newer always wins (even when identical: the newer time must be kept, or an
    # older event arriving later would look newer than what is stored). Same time (or no
    # time): only a real difference is written.
    return (f"({x} > {t} OR ({t} IS NULL AND {x} IS NOT NULL) "
            f"OR (({x} IS NULL OR {x} = {t}) AND ({different or 'FALSE'})))")
