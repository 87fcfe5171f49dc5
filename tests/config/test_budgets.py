"""Vendor request budgets shared by processes (config/budgets.py): the same behaviour from the
Redis and the PostgreSQL store, each instance standing in for another process (its own
connection), and the one-process fallback on a fake clock."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis

from config import budgets
from config.budgets import LocalBackend, PostgresBackend, Rate, RedisBackend, Window
from config.models import RateBudget

REDIS_URL = "redis://127.0.0.1:6379/0"
# Every run (and every parallel helper on this machine) has keys of its own.
RUN_PREFIX = f"pc-test-budgets:{uuid.uuid4().hex}:"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def redis_keys():
    yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=RUN_PREFIX + "*"):
        client.delete(key)


@pytest.fixture(params=["redis", "postgresql"])
def make_backend(request, db):
    """Builds backends on one store: each is another process's view of it."""
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("no Redis at 127.0.0.1:6379")
        request.getfixturevalue("redis_keys")
        return lambda: RedisBackend(REDIS_URL, RUN_PREFIX)
    return PostgresBackend


@pytest.fixture
def key() -> str:
    return f"test:{uuid.uuid4().hex}"


def test_a_rate_gives_each_request_the_next_slot_one_interval_after_the_last(make_backend, key):
    backend = make_backend()
    waits = [backend.reserve(key, 10.0) for _ in range(3)]
    assert waits[0] == pytest.approx(0, abs=0.5)
    assert 9 < waits[1] - waits[0] <= 10 and 9 < waits[2] - waits[1] <= 10


def test_processes_share_one_rate(make_backend, key):
    first, second = make_backend(), make_backend()
    waits = [first.reserve(key, 10.0), second.reserve(key, 10.0), first.reserve(key, 10.0)]
    assert 9 < waits[1] - waits[0] <= 10 and 9 < waits[2] - waits[1] <= 10


def test_concurrent_callers_never_get_the_same_slot(make_backend, key):
    backends = [make_backend() for _ in range(4)]
    slots: list[float] = []
    lock = threading.Lock()

    def reserve(backend) -> None:
        for _ in range(10):
            wait = backend.reserve(key, 1.0)
            with lock:
                slots.append(wait)

    threads = [threading.Thread(target=reserve, args=(b,)) for b in backends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 40 slots one second apart: the last is 39 s away (less the moments the calls took).
    assert len(slots) == 40 and 38 < max(slots) <= 39


def test_a_window_refuses_past_its_limit_until_it_ends(make_backend, key):
    backend = make_backend()
    window = Window(key, limit=3, seconds=3600)
    assert [window.take(backend=backend) for _ in range(3)] == [0, 0, 0]
    refused = window.take(backend=backend)
    assert 0 < refused <= 3600


def test_a_window_is_counted_by_every_process(make_backend, key):
    window = Window(key, limit=2, seconds=3600)
    assert window.take(backend=make_backend()) == 0
    assert window.take(backend=make_backend()) == 0
    assert window.take(backend=make_backend()) > 0


def test_windows_of_other_keys_are_their_own(make_backend, key):
    backend = make_backend()
    assert Window(key, limit=1, seconds=3600).take(backend=backend) == 0
    assert Window(key + "-other", limit=1, seconds=3600).take(backend=backend) == 0


@pytest.mark.django_db
def test_postgresql_keeps_only_the_current_window_of_a_key(key):
    backend = PostgresBackend()
    backend.count(key, 0.05)
    first = RateBudget.objects.get(key=key).window_index
    while RateBudget.objects.filter(key=key, window_index=first).exists():
        backend.count(key, 0.05)  # the first count of a later window prunes the earlier
    assert RateBudget.objects.filter(key=key).count() == 1


@pytest.mark.django_db
def test_postgresql_counts_outside_the_callers_transaction(key):
    from django.db import transaction

    backend = PostgresBackend()
    with transaction.atomic():
        backend.count(key, 3600)
        # another connection sees it at once: nothing waits for our commit
        other = PostgresBackend()
        assert other.count(key, 3600)[0] == 2


@pytest.mark.django_db
def test_postgresql_reconnects_after_the_server_dropped_its_connection(key):
    backend = PostgresBackend()
    from django.db import connection

    backend.count(key, 3600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend._conn.info.backend_pid])
    assert backend.count(key, 3600)[0] == 2


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.25

    def __call__(self) -> float:
        return self.now


def test_the_one_process_fallback_spaces_slots_and_counts_windows():
    clock = Clock()
    local = LocalBackend(clock)
    assert [local.reserve("k", 0.5) for _ in range(3)] == [0, 0.5, 1.0]
    assert [local.count("w", 10)[0] for _ in range(3)] == [1, 2, 3]
    clock.now += 10
    assert local.count("w", 10) == (1, pytest.approx(9.75))


def test_a_rate_sleeps_until_its_slot():
    slept: list[float] = []
    local = LocalBackend(Clock())
    rate = Rate("k", per_second=4)
    waited = [rate.acquire(backend=local, sleep=slept.append) for _ in range(3)]
    assert waited == [0, 0.25, 0.5] and slept == [0.25, 0.5]


def test_the_store_is_redis_when_configured_else_postgresql(settings, db):
    settings.REDIS_URL = REDIS_URL
    settings.BUDGETS_KEY_PREFIX = RUN_PREFIX
    assert isinstance(budgets.default_backend(), RedisBackend)
    settings.REDIS_URL = ""
    assert isinstance(budgets.default_backend(), PostgresBackend)
    assert budgets.default_backend().shared
