"""Fixtures for the ServiceTitan sync tests: the sandbox (real HTTP on loopback) with its rate
limit off, a client that records its backoff waits instead of sleeping, and helpers that
compare the mirror with the sandbox's records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from servicetitan.client import ServiceTitanClient, TokenCache
from servicetitan.ratelimit import RateLimiter
from servicetitan.resources import BY_NAME
from servicetitan.sync import RunSummary, sync


@dataclass
class Waits:
    """Stands in for ``time.sleep`` in the client: records each backoff wait."""

    seconds: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def st(sandbox):
    """The ServiceTitan sandbox vendor (scale 1, reset), its own rate limit off."""
    vendor = sandbox.vendor("servicetitan")
    vendor.set_options(rate_limit=None)
    return vendor


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def make_client(sandbox, settings, waits) -> Callable[..., ServiceTitanClient]:
    """Builds clients for the sandbox with fresh tokens, no real backoff sleeps and a
    rate limit far above what tests reach."""
    tokens = TokenCache()
    limiter = RateLimiter(100_000)

    def build(**options: Any) -> ServiceTitanClient:
        options = {"tokens": tokens, "limiter": limiter, "sleep": waits,
                   "backoff_base": 0.01, **options}
        return ServiceTitanClient(settings.SERVICETITAN, **options)

    return build


@pytest.fixture
def run_sync(make_client) -> Callable[..., RunSummary]:
    """Sync like ``manage.py st_sync`` would, in this thread (inside the test transaction)."""
    def run(*names: str, full: bool = False, workers: int = 1) -> RunSummary:
        return sync(list(names) or None, full=full, workers=workers, client_factory=make_client)
    return run


def source_records(vendor, name: str) -> dict[int, Any]:
    """Every record of a resource as the sandbox serves it now: {id: record}."""
    total = vendor.counts()[name]
    records = [vendor.store.current(name, index) for index in range(total)]
    return {record["id"]: record for record in records}


def mirror_raw(name: str, **filters: Any) -> dict[int, Any]:
    """The mirror of a resource: {id: raw}."""
    model = BY_NAME[name].shape.model
    return dict(model.objects.filter(**filters).values_list("id", "raw"))


def embedded_items(vendor) -> dict[int, Any]:
    """The items the sandbox's estimates embed now: {id: item}."""
    return {item["id"]: item for estimate in source_records(vendor, "estimates").values()
            for item in estimate["items"]}


def assert_exact_copy(vendor, names: list[str] | None = None) -> None:
    """The mirror holds exactly the sandbox's records (raw as sent), nothing more."""
    for name in names or list(BY_NAME):
        assert mirror_raw(name) == source_records(vendor, name), name
    if names is None or "estimates" in names:
        from servicetitan.models import EstimateItem

        assert mirror_raw("estimates") and EstimateItem.objects.exists()
        active = dict(EstimateItem.objects.filter(active=True).values_list("id", "raw"))
        assert active == embedded_items(vendor)
