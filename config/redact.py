"""Secret-bearing setting values that work as themselves but never show themselves.

A ``Secret`` or ``SecretURL`` is a ``str``: libraries given it (psycopg, redis, django-q2) use
its value as usual. Only its ``repr`` is masked, and ``repr`` is what a settings dump, the
debug page's settings table (``pprint``), a ``%r`` in a log line and the shell show. The
debug page and the logs additionally mask any ``scheme://user:password@host`` they see
(``config.debug``, ``config.logs``), so a URL copied into a plain string is covered too.
"""

from __future__ import annotations

import re

# scheme://[user]:password@host — the password is everything up to the last "@" of the
# authority (passwords may contain "@" when percent-encoding was forgotten).
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)([^/\s]*)@")
MASK = "********"


def mask_url_password(text: str) -> str:
    """``redis://:hunter2@host:6379/0`` → ``redis://:********@host:6379/0``."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{MASK}@", text)


class Secret(str):
    """A secret string whose ``repr`` is a mask."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(MASK)


class SecretURL(str):
    """A URL (database, Redis) whose ``repr`` masks its password."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(mask_url_password(str.__str__(self)))
