"""Row counts and distinct values from PostgreSQL's statistics and indexes, for pages that
must not read a table of millions of rows to show one screenful (``config.admin_lists``,
``messaging.selectors.LatestThreads``).

Estimates come from ``pg_class.reltuples`` (scaled to the table's current size, as the
planner does) and ``pg_stats``, which ANALYZE (autovacuum) keeps within a few percent; they
are used only above ``ESTIMATE_ABOVE`` rows, where an exact count costs more than a page and
nobody reads the last digit. Below it, and on other databases, callers count exactly.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import QuerySet

ESTIMATE_ABOVE = 10_000


def table_estimate(queryset: QuerySet) -> int | None:
    """The planner's row count of an unfiltered ``queryset``'s table; None when the queryset
    is filtered, the database is not PostgreSQL or the table was never analysed."""
    query = queryset.query
    if (query.where or query.combinator or query.distinct or query.group_by
            or query.is_sliced or query.extra or len(query.alias_map) > 1):
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # As the planner does: rows per page at the last ANALYZE times the pages the table
        # has now, so a table that grew since is not under-counted. -1: never analysed.
        cursor.execute("SELECT CASE WHEN reltuples < 0 THEN NULL WHEN relpages = 0 "
                       "THEN reltuples ELSE reltuples / relpages * (pg_relation_size(oid) "
                       "/ current_setting('block_size')::int) END::bigint "
                       "FROM pg_class WHERE oid = %s::regclass",
                       [queryset.model._meta.db_table])
        row = cursor.fetchone()
    return row[0] if row else None


def distinct_values(model, column: str) -> list[Any]:
    """The distinct values of ``column``, sorted, NULL last: one index probe per value (a loose
    index scan), so ``column`` needs an index that starts with it."""
    connection = connections[model._default_manager.db]
    table, col = (connection.ops.quote_name(name) for name in (model._meta.db_table, column))
    sql = (f"WITH RECURSIVE v(x) AS (SELECT MIN({col}) FROM {table} UNION ALL "  # noqa: S608
           f"SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > v.x) FROM v "
           f"WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql)
        values = [row[0] for row in cursor.fetchall()]
        if model._meta.get_field(column).null:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {col} IS NULL LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                values.append(None)
    return values


def distinct_estimate(model, column: str) -> int | None:
    """The planner's count of distinct values in ``column`` (``pg_stats.n_distinct``) when the
    table holds more than ``ESTIMATE_ABOVE`` rows; None otherwise (count exactly)."""
    connection = connections[model._default_manager.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.reltuples, s.n_distinct FROM pg_class c JOIN pg_stats s ON "
                       "s.schemaname = current_schema() AND s.tablename = c.relname "
                       "WHERE c.oid = %s::regclass AND s.attname = %s",
                       [model._meta.db_table, column])
        row = cursor.fetchone()
    if row is None or row[0] <= ESTIMATE_ABOVE:
        return None
    rows, distinct = row
    return round(distinct if distinct >= 0 else -distinct * rows)
