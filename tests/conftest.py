"""Project-wide fixtures. Tests never reach the internet: any connection to a non-loopback
address fails (see ``_no_internet``); vendors are the sandbox on loopback."""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property-based tests (hypothesis): a bounded run in `make test`, a long one on demand with
# HYPOTHESIS_PROFILE=long. No deadline: machines are noisy. The examples of one test share its
# function-scoped fixtures (the client, the test's transaction); each test isolates them.
hypothesis_settings.register_profile(
    "default", max_examples=50, deadline=None, print_blob=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
hypothesis_settings.register_profile("long", hypothesis_settings.get_profile("default"),
                                     max_examples=2000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class InternetAccessBlocked(RuntimeError):
    pass


def _check_address(address) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:  # a name: resolve it, then judge every address it gives
            infos = socket.getaddrinfo(host, None)
            ips = [ipaddress.ip_address(info[4][0]) for info in infos]
        else:
            ips = [ip]
        if not all(ip.is_loopback for ip in ips):
            raise InternetAccessBlocked(f"tests may not connect to {host}")


def _guarded_connect(self, address):
    _check_address(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _no_internet():
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test database; the shared vendor budgets (config/budgets.py) keep a
    PostgreSQL connection of their own, closed here before the database is dropped."""
    yield
    from config import budgets

    budgets.close()


@pytest.fixture(autouse=True)
def _budgets_without_a_database(request, monkeypatch):
    """A test without database access counts vendor budgets (config/budgets.py) in its own
    process, as the SQLite default does; with it, in the test database's ``rate_budgets``."""
    if "django_db" in request.keywords or {"db", "transactional_db"} & set(request.fixturenames):
        return
    from config import budgets

    local = budgets.LocalBackend()
    monkeypatch.setattr(budgets, "default_backend", lambda: local)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values live in the cache (and the addresses whose
    refusal budget is spent, in the process): each test starts empty."""
    from django.core.cache import cache

    from config import ratelimits

    cache.clear()
    ratelimits._refusals_spent.clear()
    yield


@pytest.fixture
def still_clock():
    """The clock stopped at now. Rate-limit budgets are per fixed window: with the clock
    still, a test's requests never straddle a window's end (a slow login takes half a
    second)."""
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.fixture(scope="session")
def sandbox_server():
    """The whole sandbox on a free loopback port for the session (scale 1)."""
    from sandbox.server import start_sandbox

    running = start_sandbox()
    yield running
    running.stop()


@pytest.fixture
def sandbox(sandbox_server, settings):
    """The session sandbox with faults cleared, and every vendor setting pointed at it."""
    from dataclasses import replace

    sandbox_server.app.faults.clear()
    for vendor in sandbox_server.app.vendors.values():
        vendor.reset()
    url = sandbox_server.url
    settings.SANDBOX_URL = url
    settings.SERVICETITAN = replace(settings.SERVICETITAN, api_base_url=f"{url}/servicetitan",
                                    auth_url=f"{url}/servicetitan/connect/token")
    settings.GHL = replace(settings.GHL, base_url=f"{url}/ghl")
    settings.TWILIO = replace(settings.TWILIO, api_base_url=f"{url}/twilio")
    yield sandbox_server
    sandbox_server.app.faults.clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django runs the tests that roll back before the transactional ones, whose flush
    removes the rows the migrations seed (sync cursors, prebuilt definitions). pytest's own
    reordering for session-scoped parameters (pytest-playwright's ``browser_name``) runs after
    it and moved the live-server browser tests in among them; sort again, last (stable)."""
    from pytest_django.plugin import pytest_collection_modifyitems as django_order

    django_order(items)
