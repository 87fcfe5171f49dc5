"""``config.db``: the plain psycopg cursor and the text[] literal, against PostgreSQL."""

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from config.db import pg_cursor, text_array

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not settings.IS_POSTGRES, reason="PostgreSQL only")]

AWKWARD = ["+14075550101", "(407) 555-0101", "a,b", 'say "hi"', "back\\slash", "{}", "NULL",
           "", " spaced "]


def test_a_text_array_literal_reads_back_as_the_same_strings():
    with pg_cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [text_array(AWKWARD)])
        assert cursor.fetchone()[0] == AWKWARD
        cursor.execute("SELECT %s::text[]", [text_array([])])
        assert cursor.fetchone()[0] == []


def test_a_prepared_statement_is_prepared_once_per_connection():
    with pg_cursor() as cursor:
        for n in range(3):
            cursor.execute("SELECT %s::int + 1", [n], prepare=True)
        cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                       "WHERE statement LIKE 'SELECT $1::int + 1%%'")
        assert cursor.fetchone()[0] == 1


def test_errors_come_out_as_djangos():
    with connection.cursor() as django_cursor:
        django_cursor.execute("CREATE TEMPORARY TABLE t_db_test (id int PRIMARY KEY)")
    with pytest.raises(IntegrityError), transaction.atomic(), pg_cursor() as cursor:
        cursor.execute("INSERT INTO t_db_test VALUES (1), (1)")
