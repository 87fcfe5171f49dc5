"""django-prometheus's PostgreSQL backend (query counts and durations in ``/metrics``), minus
its cost per connection.

django-prometheus builds a new cursor class on every connect, and the class derives from
psycopg's generic cursor, which makes creating it slow. With the connection pool Django
"connects" on each request that touches the database, so the SMS webhook spent about a tenth
of its time there, on parameters the pool does not even read. The class depends only on the
cursor class, alias and vendor: build it once for each.
"""

from functools import cache

from django_prometheus.db.backends.postgresql import base
from django_prometheus.db.common import ExportingCursorWrapper

_exporting_cursor = cache(ExportingCursorWrapper)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        # Django's parameters (skipping django-prometheus's override), with the one class.
        conn_params = super(base.DatabaseWrapper, self).get_connection_params()
        conn_params["cursor_factory"] = _exporting_cursor(
            conn_params["cursor_factory"], self.alias, self.vendor)
        return conn_params
