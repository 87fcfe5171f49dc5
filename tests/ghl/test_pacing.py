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
