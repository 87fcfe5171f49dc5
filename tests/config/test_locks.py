"""One named lock for the whole service: a PostgreSQL session advisory lock, else (SQLite) a
file lock that holds across processes — never a cache entry that only this process sees."""

import subprocess
import sys

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection

from config.locks import _file_lock, advisory_key, lock_path, named_lock

# Holds the file lock of ghl_sync/users in another process until its stdin closes.
HOLDER = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from config.locks import _file_lock
with _file_lock("ghl_sync", "users") as held:
    print(held, flush=True)
    sys.stdin.read()
"""


def other_session() -> psycopg.Connection:
    params = connection.get_connection_params()
    return psycopg.connect(**{k: params[k] for k in ("dbname", "user", "host", "port")
                              if params.get(k)}, autocommit=True)


@pytest.mark.django_db
def test_a_name_held_by_another_session_is_refused_without_waiting():
    key = advisory_key("ghl_sync", "users")
    with other_session() as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", key)
        with named_lock("ghl_sync", "users") as held:
            assert held is False
        other.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        with named_lock("ghl_sync", "users") as held:
            assert held


@pytest.mark.django_db
def test_the_lock_is_another_sessions_to_take_once_the_block_ends():
    with named_lock("st_sync", "customers") as held:
        assert held
    with other_session() as other:
        taken = other.execute("SELECT pg_try_advisory_lock(%s, %s)",
                              advisory_key("st_sync", "customers")).fetchone()[0]
    assert taken


def test_equal_names_in_two_spaces_are_two_locks():
    assert advisory_key("st_sync", "users") != advisory_key("ghl_sync", "users")
    assert advisory_key("st_sync", "users")[1] == advisory_key("ghl_sync", "users")[1]


@pytest.mark.parametrize(("space", "name"), [("ghl_sync", "../users"), ("st/sync", "x"),
                                             ("ghl_sync", ""), ("ghl_sync", "a b")])
def test_a_name_that_is_not_safe_in_a_file_name_is_refused(space, name):
    with pytest.raises(ValueError, match="letters, digits"), named_lock(space, name):
        pass


def test_on_sqlite_a_lock_held_by_another_process_is_refused(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    env = {"PATH": "/usr/bin:/bin", "PERFECTCATCH_VAR_DIR": str(tmp_path),
           "PYTHONPATH": str(django_settings.BASE_DIR)}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "True"
        with _file_lock("ghl_sync", "users") as held:
            assert held is False
    finally:
        holder.stdin.close()
        holder.wait()
    with _file_lock("ghl_sync", "users") as held:
        assert held
    assert lock_path("ghl_sync", "users") == tmp_path / "locks" / "ghl_sync_users.lock"


def test_on_sqlite_a_second_holder_of_the_same_name_is_refused(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with _file_lock("st_sync", "customers") as first, \
            _file_lock("st_sync", "customers") as second:
        assert (first, second) == (True, False)


def test_on_sqlite_different_names_do_not_block_each_other(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with _file_lock("st_sync", "customers") as first, _file_lock("st_sync", "jobs") as second:
        assert (first, second) == (True, True)


def test_on_sqlite_the_lock_is_free_again_after_the_block(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with _file_lock("st_sync", "customers"):
        pass
    with _file_lock("st_sync", "customers") as again:
        assert again
