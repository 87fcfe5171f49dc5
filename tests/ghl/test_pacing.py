"""Pacing from GHL's X-RateLimit-* headers: in isolation, then against a sandbox whose clock
(and rate limiter) moves only when our client waits."""

import time
from dataclasses import replace

import pytest
import requests

from ghl.client import GHLClient
from ghl.pacing import Limits, Pacer, shared_pacer
from sandbox.credentials import SANDBOX_GHL_TOKEN
from sandbox.ghl import GHLSandbox
from sandbox.server import SandboxApp, start_sandbox

HEADERS = {"X-RateLimit-Max": "5", "X-RateLimit-Remaining": "4",
           "X-RateLimit-Interval-Milliseconds": "10000", "X-RateLimit-Daily-Remaining": "99"}


class FakeClock:
    """A clock that moves only when something sleeps on it."""

    def __init__(self) -> None:
        self.now = time.time()
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_limits_are_read_from_the_headers():
    assert Limits.from_headers(HEADERS) == Limits(5, 10.0, 4, 99)


@pytest.mark.parametrize("daily", ["²", "٣", "-5", "12.5", "lots"])
def test_an_unreadable_daily_remaining_is_ignored_not_raised(daily):
    # "²" and "٣" pass str.isdigit but not int(): a vendor header must never raise here.
    headers = {**HEADERS, "X-RateLimit-Daily-Remaining": daily}
    expected = 3 if daily == "٣" else None  # int() reads Arabic-Indic digits
    assert Limits.from_headers(headers) == Limits(5, 10.0, 4, expected)


def test_an_answer_without_rate_limit_headers_changes_nothing():
    assert Limits.from_headers({"Content-Type": "application/json"}) is None


def test_nothing_waits_before_ghl_has_said_what_the_limits_are():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for _ in range(50):
        pacer.acquire()
    assert clock.slept == []


def test_the_request_past_the_burst_waits_for_the_oldest_to_leave_the_window():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.observe({**HEADERS, "X-RateLimit-Remaining": "5"})
    start = clock.now
    for _ in range(5):
        pacer.acquire()
        clock.now += 1
    pacer.acquire()
    assert clock.slept == [pytest.approx(5.0)] and clock.now == pytest.approx(start + 10)


def test_a_budget_spent_by_another_process_is_respected():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.observe({**HEADERS, "X-RateLimit-Remaining": "0"})
    pacer.acquire()
    assert clock.slept == [pytest.approx(10.0)]


def test_threads_of_one_process_share_one_pacer_per_token():
    assert shared_pacer("http://a", "t1") is shared_pacer("http://a", "t1")
    assert shared_pacer("http://a", "t1") is not shared_pacer("http://a", "t2")


@pytest.fixture
def slow_ghl(settings):
    """A GHL sandbox allowing 5 requests per 10 s, on a clock that moves when we wait."""
    clock = FakeClock()
    vendor = GHLSandbox(clock=clock, rate_limit_max=5, rate_limit_interval_ms=10_000)
    running = start_sandbox(app=SandboxApp({"ghl": vendor}))
    settings.GHL = replace(settings.GHL, base_url=f"{running.url}/ghl")
    yield vendor, clock, running.url
    running.stop()
    vendor.reset()


@pytest.mark.django_db
def test_a_long_run_of_calls_is_paced_without_a_single_429(slow_ghl):
    vendor, clock, _ = slow_ghl
    client = GHLClient(pacer=Pacer(clock=clock, sleep=clock.sleep), sleep=clock.sleep)
    for _ in range(12):
        client.get("/users/", locationId=client.location_id)
    statuses = [r["status"] for r in vendor.requests()]
    assert statuses == [200] * 12
    assert len(clock.slept) == 2  # two full windows waited out


@pytest.mark.django_db
def test_a_429_caused_elsewhere_is_waited_out_and_the_call_succeeds(slow_ghl):
    vendor, clock, url = slow_ghl
    headers = {"Authorization": f"Bearer {SANDBOX_GHL_TOKEN}", "Version": "2021-07-28"}
    for _ in range(5):  # another app spends the whole burst
        requests.get(f"{url}/ghl/users/", headers=headers, timeout=5)
    client = GHLClient(pacer=Pacer(clock=clock, sleep=clock.sleep), sleep=clock.sleep)
    assert client.get("/users/", locationId=client.location_id)["users"]
    assert [r["status"] for r in vendor.requests()][-2:] == [429, 200]
    assert clock.slept == [10.0]


class Refused(Exception):
    pass


def refuse(seconds: float) -> None:
    raise Refused(seconds)


def shared_budget(daily_limit: int = 1000):
    import uuid

    from ghl.pacing import SharedBudget

    return SharedBudget(f"ghl:test:{uuid.uuid4().hex}", daily_limit)


@pytest.mark.django_db
def test_the_burst_is_counted_by_every_process_together():
    budget = shared_budget()
    limits = {**HEADERS, "X-RateLimit-Max": "3", "X-RateLimit-Interval-Milliseconds": "3600000",
              "X-RateLimit-Remaining": "3"}
    first, second = Pacer(shared=budget, sleep=refuse), Pacer(shared=budget, sleep=refuse)
    for pacer in (first, second):
        pacer.observe(limits)
    first.acquire()
    first.acquire()
    second.acquire()   # the third of the burst, from another process
    with pytest.raises(Refused) as waited:
        second.acquire()
    assert 0 < waited.value.args[0] <= 3600


def test_the_documented_burst_is_a_hundred_per_ten_seconds():
    from ghl import pacing

    assert pacing.DEFAULT_BURST == (100, 10.0)


@pytest.mark.django_db
def test_before_ghl_has_said_the_documented_burst_is_counted(monkeypatch):
    from ghl import pacing

    # An hour's window: a test that straddled the end of a 10 s window would see two.
    monkeypatch.setattr(pacing, "DEFAULT_BURST", (3, 3600.0))
    budget = shared_budget()
    pacers = [Pacer(shared=budget, sleep=refuse) for _ in range(2)]
    for n in range(3):
        pacers[n % 2].acquire()
    with pytest.raises(Refused):
        pacers[0].acquire()


@pytest.mark.django_db
def test_a_spent_daily_allowance_is_a_retryable_429_without_calling_ghl(sandbox):
    from ghl.client import GHLError

    vendor = sandbox.vendor("ghl")
    vendor_location = GHLClient().location_id
    budget = shared_budget(daily_limit=2)
    pacers = [Pacer(shared=budget) for _ in range(2)]   # two processes
    for pacer in pacers:
        GHLClient(pacer=pacer).get("/users/", locationId=vendor_location)
    before = len(vendor.requests())
    with pytest.raises(GHLError) as error:
        GHLClient(pacer=pacers[0], sleep=lambda s: None).get("/users/", locationId=vendor_location)
    assert error.value.status == 429 and error.value.retryable
    assert "daily allowance" in str(error.value) and error.value.retry_after > 0
    assert len(vendor.requests()) == before


@pytest.mark.django_db
def test_the_process_pacer_counts_in_the_shared_budget(settings):
    settings.REDIS_URL = ""
    pacer = shared_pacer("http://shared.example", "a-token")
    assert pacer.shared is not None and "a-token" not in pacer.shared.key
    assert pacer.shared.daily_limit == settings.GHL_DAILY_LIMIT
