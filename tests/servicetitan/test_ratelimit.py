import threading

import pytest

from servicetitan.ratelimit import RateLimiter


class FakeTime:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def limiter(rate: float, burst: int = 1) -> tuple[RateLimiter, FakeTime]:
    fake = FakeTime()
    return RateLimiter(rate, burst, clock=fake.clock, sleep=fake.sleep), fake


def test_the_first_call_goes_out_at_once():
    bucket, _ = limiter(60)
    assert bucket.acquire() == 0


def test_calls_are_spaced_one_over_the_rate_apart():
    bucket, _ = limiter(60)
    bucket.acquire()
    assert bucket.reserve() == pytest.approx(1 / 60)


def test_no_one_second_window_sees_more_than_the_rate():
    bucket, fake = limiter(60)
    stamps = []
    for _ in range(300):
        bucket.acquire()
        stamps.append(fake.now)
    # (less a nanosecond: 1/60 added up 60 times lands a hair under 1.0 in floating point)
    busiest = max(sum(1 for s in stamps if start <= s < start + 1.0 - 1e-9)
                  for start in stamps)
    assert busiest == 60


def test_a_burst_lets_that_many_calls_out_at_once():
    bucket, _ = limiter(10, burst=3)
    assert [bucket.reserve() for _ in range(4)] == [0, 0, 0, pytest.approx(0.1)]


def test_an_idle_limiter_does_not_save_up_more_than_its_burst():
    bucket, fake = limiter(10, burst=2)
    fake.now += 60
    assert [bucket.reserve() for _ in range(3)] == [0, 0, pytest.approx(0.1)]


def test_threads_share_the_limit():
    bucket, _ = limiter(50)
    waits = []
    threads = [threading.Thread(target=lambda: waits.append(bucket.reserve()))
               for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([i / 50 for i in range(10)])


def test_a_rate_must_be_positive():
    with pytest.raises(ValueError):
        RateLimiter(0)


@pytest.mark.django_db
def test_the_client_takes_its_calls_from_the_budget_every_process_shares(settings):
    from servicetitan.client import ServiceTitanClient
    from servicetitan.ratelimit import IN_FLIGHT_MARGIN, SharedLimiter

    settings.REDIS_URL = ""
    limiter = ServiceTitanClient(settings.SERVICETITAN).limiter
    assert isinstance(limiter, SharedLimiter)
    assert limiter.budget.per_second == 60 * IN_FLIGHT_MARGIN
    assert limiter.budget.key.startswith(f"servicetitan:{settings.SERVICETITAN.tenant_id}:")
    assert settings.SERVICETITAN.app_key not in limiter.budget.key


@pytest.mark.django_db
def test_two_processes_limiters_space_their_calls_together(settings):
    import uuid

    from servicetitan.ratelimit import SharedLimiter

    key = f"servicetitan:test:{uuid.uuid4().hex}"
    slept: list[float] = []
    first = SharedLimiter(0.1, key, sleep=slept.append)   # one call per ~10.5 s
    second = SharedLimiter(0.1, key, sleep=slept.append)  # another process's
    first.acquire()
    second.acquire()
    assert len(slept) == 1 and 9 < slept[0] <= 1 / (0.1 * 0.95)


@pytest.mark.django_db
def test_behind_the_shared_budget_a_429_still_waits_as_long_as_retry_after_says(
        sandbox, st, make_client, waits):
    import uuid

    from servicetitan.ratelimit import SharedLimiter

    sandbox.app.faults.add(vendor="servicetitan", path_contains="/customers", status=429,
                           retry_after=7, times=2)
    client = make_client(limiter=SharedLimiter(1000, f"servicetitan:test:{uuid.uuid4().hex}"))

    client.get("/crm/v2/tenant/1000001/customers")

    assert waits.seconds == [7.0, 7.0] and client.retries == 2
