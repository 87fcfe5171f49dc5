"""Bulk reads and writes of mirror rows: one statement per page, never a per-row save.

On PostgreSQL the page goes in as one ``INSERT … SELECT FROM unnest(<column arrays>) ON
CONFLICT (id) DO UPDATE … WHERE content_hash IS DISTINCT FROM …``; on SQLite (the embedded
default, for ``make run``) the same upsert runs through ``executemany``. Callers hold the page
transaction.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import connection, models
from psycopg.types.json import Jsonb

from config.db import pg_cursor
from servicetitan.rows import Row, Shape

# PostgreSQL array types of the column kinds the mirror uses. JSON goes in as text and is
# cast per element (psycopg has no jsonb[] adapter for client-side binding).
_PG_TYPES = {
    "BigIntegerField": "bigint", "BooleanField": "boolean", "CharField": "text",
    "TextField": "text", "DateTimeField": "timestamptz", "DecimalField": "numeric",
    "IntegerField": "integer", "JSONField": "text",
}


def stored_hashes(shape: Shape, ids: list[int]) -> dict[int, int | None]:
    """{id: content_hash} of the rows of ``ids`` already in the table."""
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(shape.table)
        with pg_cursor() as cursor:
            cursor.execute(f"SELECT id, content_hash FROM {table} "  # noqa: S608
                           f"WHERE id = ANY(%b::bigint[])", [ids])
            return dict(cursor.fetchall())
    return dict(shape.model.objects.filter(pk__in=ids).values_list("id", "content_hash"))


def stored_values(shape: Shape, ids: list[int]) -> dict[int, dict[str, Any]]:
    """{id: typed column values} of the stored rows of ``ids`` (the "old" side of changes)."""
    if not ids:
        return {}
    rows = shape.model.objects.filter(pk__in=ids).values(*shape.column_names)
    return {row["id"]: row for row in rows}


def insert(shape: Shape, rows: list[Row], synced_at: datetime) -> None:
    """Insert ``rows``, whose ids ``stored_hashes`` found absent. On PostgreSQL a binary
    COPY: the resource lock keeps any other writer of these ids out until we commit."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_postgres(shape, rows, synced_at)
    else:
        _upsert_portable(shape, rows, synced_at)


def upsert(shape: Shape, rows: list[Row], synced_at: datetime) -> None:
    """Insert or update ``rows`` (unique ids); a stored row with the same content hash is
    left as it is."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _upsert_postgres(shape, rows, synced_at)
    else:
        _upsert_portable(shape, rows, synced_at)


def deactivate(shape: Shape, parent_column: str, parent_ids: list[int], keep: set[int],
               synced_at: datetime) -> list[dict[str, Any]]:
    """Mark inactive the active children of ``parent_ids`` whose ids are not in ``keep``;
    returns their typed values as they were. Their content hash is cleared so that a child
    that comes back is written again."""
    if not parent_ids:
        return []
    stale = shape.model.objects.filter(**{f"{parent_column}__in": parent_ids}, active=True)
    before = [row for row in stale.values(*shape.column_names) if row["id"] not in keep]
    if before:
        shape.model.objects.filter(pk__in=[row["id"] for row in before]).update(
            active=False, synced_at=synced_at, content_hash=None)
    return before


def _fields(shape: Shape) -> list[models.Field]:
    opts = shape.model._meta
    return [opts.get_field(name) for name in shape.column_names]


def _upsert_postgres(shape: Shape, rows: list[Row], synced_at: datetime) -> None:
    fields = _fields(shape)
    names = [f.column for f in fields] + ["raw", "content_hash"]
    types = [_PG_TYPES[f.get_internal_type()] for f in fields] + ["text", "bigint"]
    arrays = [[row.values[f.attname] for row in rows] for f in fields]
    for position, field in enumerate(fields):
        if field.get_internal_type() == "JSONField":
            arrays[position] = [None if v is None else json.dumps(v)
                                for v in arrays[position]]
    arrays += [[row.raw_json for row in rows], [row.digest for row in rows]]
    jsonish = {f.column for f in fields if f.get_internal_type() == "JSONField"} | {"raw"}
    quoted = [connection.ops.quote_name(n) for n in names]
    select = [f"u.{q}::jsonb" if n in jsonish else f"u.{q}" for n, q in zip(names, quoted,
                                                                             strict=True)]
    table = connection.ops.quote_name(shape.table)
    updates = ", ".join(f"{q} = EXCLUDED.{q}" for q in quoted[1:])
    # Identifiers come from the model's metadata, quoted; every value is a parameter.
    sql = (f"INSERT INTO {table} ({', '.join(quoted)}, synced_at) "  # noqa: S608
           f"SELECT {', '.join(select)}, %s FROM unnest("
           f"{', '.join(f'%b::{t}[]' for t in types)}) AS u({', '.join(quoted)}) "
           f"ON CONFLICT (id) DO UPDATE SET {updates}, synced_at = EXCLUDED.synced_at "
           f"WHERE {table}.content_hash IS DISTINCT FROM EXCLUDED.content_hash")
    # Django's cursors bind client-side, quoting every array element in Python; a plain
    # psycopg cursor on the same connection (and transaction) sends them binary instead.
    with pg_cursor() as cursor:
        cursor.execute(sql, [synced_at, *arrays])


def _as_is(data: bytes | str) -> bytes | str:
    return data


def _copy_postgres(shape: Shape, rows: list[Row], synced_at: datetime) -> None:
    fields = _fields(shape)
    names = [connection.ops.quote_name(f.column) for f in fields]
    types = [_PG_TYPES[f.get_internal_type()] for f in fields]
    jsonish = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    for i in jsonish:
        types[i] = "jsonb"
    attnames = [f.attname for f in fields]
    table = connection.ops.quote_name(shape.table)
    with pg_cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(names)}, raw, content_hash, synced_at) "
            f"FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([*types, "jsonb", "bigint", "timestamptz"])
        for row in rows:
            values = [row.values[name] for name in attnames]
            for i in jsonish:
                values[i] = None if values[i] is None else Jsonb(values[i])
            # The raw JSON text is ready: hand it to PostgreSQL as it is.
            copy.write_row([*values, Jsonb(row.raw_json, dumps=_as_is), row.digest,
                            synced_at])


def _upsert_portable(shape: Shape, rows: list[Row], synced_at: datetime) -> None:
    fields = _fields(shape)
    quoted = [connection.ops.quote_name(f.column) for f in fields]
    quoted += ["raw", "content_hash", "synced_at"]
    table = connection.ops.quote_name(shape.table)
    updates = ", ".join(f"{q} = excluded.{q}" for q in quoted[1:])
    sql = (f"INSERT INTO {table} ({', '.join(quoted)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(quoted))}) "
           f"ON CONFLICT (id) DO UPDATE SET {updates} "
           f"WHERE {table}.content_hash IS NOT excluded.content_hash")
    stamp = connection.ops.adapt_datetimefield_value(synced_at)
    params = [[f.get_db_prep_save(row.values[f.attname], connection) for f in fields]
              + [row.raw_json, row.digest, stamp] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
