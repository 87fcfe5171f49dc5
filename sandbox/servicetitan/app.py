"""``ServiceTitanSandbox``: a local stand-in for a ServiceTitan tenant (API v2).

It serves the token endpoint and the list and export endpoints of every resource in
``resources.RESOURCES`` with ServiceTitan's auth, paging, filters, errors (RFC 7807) and rate
limit, over a deterministic synthetic tenant (``layout``, ``data``). Tests and the demo drive
it through the control API: the methods below, and the same over HTTP under ``/_control/``
(``control.py``). Every method is thread-safe (one lock; JSON is encoded outside it).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import orjson

from sandbox.credentials import (
    SANDBOX_ST_APP_KEY,
    SANDBOX_ST_CLIENT_ID,
    SANDBOX_ST_CLIENT_SECRET,
    SANDBOX_ST_TENANT_ID,
)
from sandbox.http import Request, Response
from sandbox.servicetitan import control, routes
from sandbox.servicetitan.auth import (
    RateLimiter,
    Seconds,
    Tokens,
    authenticate,
    token_endpoint,
)
from sandbox.servicetitan.layout import build_tenant
from sandbox.servicetitan.options import Clock, Options
from sandbox.servicetitan.params import BadRequest, export_query, list_query
from sandbox.servicetitan.problems import problem
from sandbox.servicetitan.queries import ListCache, export_page, list_page
from sandbox.servicetitan.resources import ID_SPAN, RESOURCES
from sandbox.servicetitan.store import ControlError, Store
from sandbox.servicetitan.timefmt import SECOND, iso, parse, start_of_day, wall_clock

MAX_SCALE = 2000
TOKEN_PATH = "/connect/token"
JSON_TYPE = "application/json; charset=utf-8"


class ServiceTitanSandbox:
    """A synthetic tenant of about 100 customers per unit of ``scale`` and ~39 records per
    customer across all resources (``counts()`` gives them; seed 1)::

        scale   1:   3,885 records        scale 140: 556,661 records
        scale  10:  39,617 records        scale 150: 595,638 records (the benchmark tenant)

    ``seed`` picks the data; the same (scale, seed, anchor) gives the same records.
    ``anchor`` (ISO date or date-time; default: today 00:00 UTC) ends the history: base
    records are created and last modified up to one day before it; appointments run up to a
    couple of weeks past it. ``options`` are those of ``Options`` (token_ttl, recent_delay, …).
    Building a scale-150 tenant takes ~2.5 s and ~60 MB; serving it ~38,000 records/s.
    """

    def __init__(self, scale: int = 1, seed: int = 1, *, tenant_id: int = SANDBOX_ST_TENANT_ID,
                 anchor: str | None = None, **options: Any) -> None:
        if type(scale) is not int or not 1 <= scale <= MAX_SCALE:
            raise ValueError(f"scale must be an integer from 1 to {MAX_SCALE}")
        if type(seed) is not int:
            raise ValueError("seed must be an integer")
        anchor_us = start_of_day(wall_clock()) if anchor is None else parse(anchor)
        if anchor_us is None:
            raise ValueError(f"anchor must be an ISO 8601 date, not {anchor!r}")
        try:
            self.initial_options = Options().updated(options)
        except ControlError as error:
            raise ValueError(error.message) from None
        bases = {r.name: r.id_base for r in RESOURCES}
        self.tenant = build_tenant(scale, seed, anchor_us, tenant_id, bases)
        assert all(self.tenant.count(r.name) < ID_SPAN for r in RESOURCES)
        self.store = Store(self.tenant, lambda: self.clock.now(),
                           lambda: self.options.worded_numbers)
        self.lock = threading.RLock()
        self.reset()

    # --- the vendor interface -------------------------------------------------------------
    def reset(self) -> None:
        """Back to the initial state: no changes, tokens, statistics, options or clock offset
        set since construction."""
        with self.lock:
            self.clock = Clock()
            self.options = self.initial_options
            self.tokens = Tokens()
            self.limiter = RateLimiter()
            self.seconds = Seconds()
            self.store.reset()
            self.lists = ListCache()
            self.requests: Counter[str] = Counter()

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_control/"):
            return control.handle(self, request)
        arrived = time.time()  # before waiting for the lock: when the request came
        with self.lock:
            result = self._serve(request, arrived)
        if isinstance(result, Response):
            return result
        # orjson: a page of 1000 invoices encodes ~6x faster than with json (same bytes).
        try:
            body = orjson.dumps(result)
        except TypeError:  # raw JSON injected through the control API, e.g. a 100-bit int
            body = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(200, body, {"Content-Type": JSON_TYPE})

    def _serve(self, request: Request, arrived: float) -> Response | dict:
        now = self.clock.now()
        if request.path.rstrip("/") == TOKEN_PATH:
            self.requests[TOKEN_PATH] += 1
            credentials = (SANDBOX_ST_CLIENT_ID, SANDBOX_ST_CLIENT_SECRET)
            return token_endpoint(request, self.tokens, credentials, now, self.options.token_ttl)
        self.seconds.arrived(arrived)  # an API request (the token has its own host and limit)
        found = routes.match(request.path)
        self.requests[found.template if found else "unmatched"] += 1
        if found is None:
            return problem(404, {"path": [f"There is no endpoint at {request.path}."]})
        if request.method != "GET":
            return problem(405, {"method": [f"{request.method} is not allowed here."]})
        denied = authenticate(request, self.tokens, SANDBOX_ST_APP_KEY, now)
        if denied is not None:
            return denied
        if found.tenant != str(self.tenant.tenant_id):
            return problem(404, {"tenant": [f"Tenant {found.tenant} was not found."]})
        if self.options.rate_limit is not None:
            wait = self.limiter.retry_after(now, self.options.rate_limit, self.options.rate_window)
            if wait is not None:
                self.seconds.refused += 1
                return problem(429, {"rateLimit": ["Too many requests."]},
                               headers={"Retry-After": str(wait)})
        try:
            if found.kind == "list":
                return self._list(found, request)
            return self._export(found, request, now)
        except BadRequest as error:
            return problem(400, error.errors)

    def _list(self, found: routes.Match, request: Request) -> dict:
        query = list_query(request, found.resource)
        records, has_more, total = list_page(self.store, self.lists, found.name, query)
        return {"page": query.page, "pageSize": query.page_size, "hasMore": has_more,
                "totalCount": total, "data": records}

    def _export(self, found: routes.Match, request: Request, now: int) -> dict:
        query = export_query(request, found.resource)
        options = self.options
        page = export_page(self.store, found.name, query, options.export_page_size, now,
                           int(options.recent_delay * SECOND), options.redelivery)
        return {"hasMore": page.has_more, "continueFrom": page.continue_from,
                "data": page.records}

    # --- the control API (also over HTTP: control.py) --------------------------------------
    def create(self, resource: str, fields: dict) -> dict:
        """Create a record (see ``Store.create``); returns it."""
        with self.lock:
            return self.store.create(resource, fields)

    def update(self, resource: str, record_id: int, fields: dict) -> dict:
        """Change fields of a record; modifiedOn becomes now unless given. Returns it."""
        with self.lock:
            return self.store.update(resource, record_id, fields)

    def deactivate(self, resource: str, record_id: int) -> dict:
        with self.lock:
            return self.store.deactivate(resource, record_id)

    def replace(self, resource: str, record_id: int, raw: Any) -> Any:
        """Replace a record's JSON wholesale (any JSON, e.g. a malformed record)."""
        with self.lock:
            return self.store.replace(resource, record_id, raw)

    def get(self, resource: str, record_id: int) -> Any:
        """The record as exports would send it now."""
        with self.lock:
            return self.store.get(resource, record_id)

    def expire_tokens(self) -> None:
        """Invalidate every issued token at once."""
        with self.lock:
            self.tokens.expire_all()

    def issue_token(self) -> str:
        """A valid access token, without going through ``/connect/token``."""
        with self.lock:
            return self.tokens.issue(self.clock.now(), self.options.token_ttl)

    def set_options(self, **changes: Any) -> dict:
        with self.lock:
            self.options = self.options.updated(changes)
            return self.options.as_dict()

    def advance_clock(self, seconds: float) -> str:
        """Move the sandbox clock forward (token expiry, recent-changes delay); returns the
        new time."""
        with self.lock:
            self.clock.advance(seconds)
            return self.now()

    def now(self) -> str:
        return iso(self.clock.now())

    def stats(self) -> dict:
        """Requests per endpoint (path template with ``{tenant}``) since the last reset; the
        busiest second of the wall clock (API requests, refused ones included: what
        ServiceTitan's limit counts) and how many were refused with 429."""
        with self.lock:
            count, second = self.seconds.busiest
            at = datetime.fromtimestamp(second, UTC).isoformat() if count else None
            return {"endpoints": dict(self.requests), "total": sum(self.requests.values()),
                    "busiest_second": {"requests": count, "at": at},
                    "rate_limited": self.seconds.refused}

    def clear_stats(self) -> None:
        with self.lock:
            self.requests.clear()
            self.seconds = Seconds()

    def counts(self) -> dict[str, int]:
        """Records per resource (base plus created), and their ``total``."""
        with self.lock:
            counts = {name: state.total for name, state in self.store.states.items()}
        return {**counts, "total": sum(counts.values())}
