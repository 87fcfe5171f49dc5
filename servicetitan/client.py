"""The one way this service talks to ServiceTitan (tenant API v2).

``ServiceTitanClient`` owns the base URL, the client-credentials token (cached until shortly
before it expires, renewed once on a 401), the ``ST-App-Key`` header, the shared rate limit
(all threads together stay under ServiceTitan's 60 calls per second), retries with
exponential backoff and full jitter (``config.vendor_http``: 429 honouring ``Retry-After``,
5xx, 408, 409 maintenance, connection errors; the token is re-read on every try), and paging
of export and list endpoints. Every failure is a ``ServiceTitanError`` (a ``VendorError``)
naming the endpoint and saying whether a retry could help.

A client is used by one thread at a time (it owns a ``requests.Session`` and counts its own
requests and retries for the sync log); the token cache is shared by every client of the
process (``shared_tokens``), the rate limit by every client of every process on every machine
(``shared_limiter``: ``config.budgets`` in Redis or PostgreSQL).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from config import budgets
from config.vendor_http import Backoff, VendorError, call_with_retries, error_fields
from config.vendors import ServiceTitanSettings
from servicetitan.conf import setting
from servicetitan.ratelimit import RateLimiter, SharedLimiter
from servicetitan.responses import ServiceTitanError, parse_body, problem_text

log = logging.getLogger(__name__)

LIST_PAGE_SIZE = 5000        # the documented maximum
TOKEN_MARGIN = 60.0          # renew this many seconds before the token expires
CONNECT_TIMEOUT = 10.0
# 409 on a read: ServiceTitan answers it while the tenant is suspended for maintenance.
MAINTENANCE = frozenset({409})


class TokenCache:
    """The bearer token of one set of credentials, shared by threads; one renewal at a time
    (ServiceTitan throttles token requests)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def get(self, fetch: Callable[[], tuple[str, float]]) -> str:
        """The cached token, or a new one from ``fetch() -> (token, expires_in)``."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                token, expires_in = fetch()
                self._token = token
                self._expires_at = self._clock() + max(0.0, expires_in - TOKEN_MARGIN)
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (refused with a 401) unless another thread already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None


_shared_lock = threading.Lock()
_tokens: dict[tuple[str, str], TokenCache] = {}
_limiters: dict[tuple, RateLimiter | SharedLimiter] = {}


def shared_tokens(config: ServiceTitanSettings) -> TokenCache:
    with _shared_lock:
        return _tokens.setdefault((config.auth_url, config.client_id), TokenCache())


def shared_limiter(rate: float | None = None, config: ServiceTitanSettings | None = None
                   ) -> RateLimiter | SharedLimiter:
    """The limit of ``config``'s app and tenant: counted across processes and machines when
    ``config.budgets`` has a shared store (Redis, PostgreSQL), else in this process."""
    rate = float(rate if rate is not None else setting("ST_RATE_LIMIT_PER_SECOND"))
    config = config or settings.SERVICETITAN
    if not budgets.default_backend().shared:
        with _shared_lock:
            return _limiters.setdefault((rate,), RateLimiter(rate))
    app = hashlib.sha256(config.app_key.encode()).hexdigest()[:16]  # never the key itself
    key = f"servicetitan:{config.tenant_id}:{app}"
    with _shared_lock:
        return _limiters.setdefault((rate, key), SharedLimiter(rate, key))


@dataclass(frozen=True)
class Page:
    records: list[Any]
    has_more: bool
    continue_from: str | None = None   # export pages: the token of the next page


class ServiceTitanClient:
    def __init__(self, config: ServiceTitanSettings | None = None, *,
                 tokens: TokenCache | None = None,
                 limiter: RateLimiter | SharedLimiter | None = None,
                 max_retries: int | None = None, backoff_base: float = 0.5,
                 backoff_cap: float = 30.0, max_wait: float = 300.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config or settings.SERVICETITAN
        self.tokens = tokens or shared_tokens(self.config)
        self.limiter = limiter or shared_limiter(config=self.config)
        self.max_retries = int(setting("ST_MAX_RETRIES") if max_retries is None else max_retries)
        # Full jitter; a Retry-After is honoured, up to max_wait.
        self.backoff = Backoff(base=backoff_base, cap=backoff_cap, longest=max_wait)
        self.sleep = sleep
        self.timeout = (CONNECT_TIMEOUT, float(setting("ST_REQUEST_TIMEOUT_SECONDS")))
        self.session = requests.Session()
        self.requests = 0   # HTTP requests sent (token requests included)
        self.retries = 0    # of which repeats after a failure

    def close(self) -> None:
        self.session.close()

    def url(self, endpoint: str) -> str:
        """The URL of ``endpoint``, a path such as ``/crm/v2/tenant/1/export/customers``."""
        return f"{self.config.api_base_url}{endpoint}"

    # --- paging ---------------------------------------------------------------------------
    def export_pages(self, endpoint: str, start: str | None = None,
                     params: dict[str, str] | None = None) -> Iterator[Page]:
        """The pages of an export from ``start`` (a ``continueFrom`` token or a date; None:
        the beginning) until ``hasMore`` is false. The next page is requested only when the
        caller asks for it, i.e. after it has stored the previous one."""
        token = start
        while True:
            query = {**(params or {}), "includeRecentChanges": "true"}
            if token:
                query["from"] = token
            body = self.get(endpoint, query)
            page = _export_page(endpoint, body)
            yield page
            if not page.has_more:
                return
            if not page.records and page.continue_from == token:
                raise ServiceTitanError("the export claims more pages but does not advance",
                                        endpoint=endpoint)
            token = page.continue_from

    def list_pages(self, endpoint: str, params: dict[str, str] | None = None
                   ) -> Iterator[Page]:
        """The pages of a list endpoint (``pageSize`` 5000) until ``hasMore`` is false."""
        number = 1
        while True:
            query = {**(params or {}), "page": str(number), "pageSize": str(LIST_PAGE_SIZE)}
            page = _list_page(endpoint, self.get(endpoint, query))
            yield page
            if not page.has_more:
                return
            number += 1

    # --- one call -------------------------------------------------------------------------
    def get(self, endpoint: str, params: dict[str, str] | None = None) -> Any:
        """GET ``endpoint`` (a path under the API base) and return the decoded JSON body."""
        return self._call(endpoint, lambda token: self.session.get(
            self.url(endpoint), params=params, timeout=self.timeout,
            headers={"Authorization": f"Bearer {token}", "ST-App-Key": self.config.app_key}))

    def _call(self, endpoint: str, send: Callable[[str], requests.Response]) -> Any:
        """``send(token)`` under the retry rules: the token is read afresh for every try, a
        401 renews it once (at once, not counted as a try), and a failed token request,
        retried already by ``_fetch_token``, is not tried again here."""
        if not self.config.enabled:  # SERVICETITAN_ENABLED=false: no token, no call
            raise ServiceTitanError(self.config.turned_off, endpoint=endpoint)
        renewed = False

        def attempt() -> Any:
            nonlocal renewed
            token = self.tokens.get(self._fetch_token)
            response = self._send(endpoint, lambda: send(token))
            if response.status_code == 401 and not renewed:
                # The token expired or was revoked early: renew once and try again.
                self.tokens.invalidate(token)
                renewed = True
                self.retries += 1
                token = self.tokens.get(self._fetch_token)
                response = self._send(endpoint, lambda: send(token))
            return _body(endpoint, response)

        return call_with_retries(attempt, attempts=self.max_retries + 1, backoff=self.backoff,
                                 retry_if=lambda error: error.retryable
                                 and error.endpoint == endpoint,
                                 before_retry=self._retrying, sleep=self.sleep)

    def _send(self, endpoint: str, send: Callable[[], requests.Response]) -> requests.Response:
        self.limiter.acquire()
        return self._request(endpoint, send)

    def _request(self, endpoint: str, send: Callable[[], requests.Response]
                 ) -> requests.Response:
        self.requests += 1
        try:
            return send()
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ServiceTitanError(f"connection failed: {exc.__class__.__name__}",
                                    endpoint=endpoint, retryable=True) from None

    def _retrying(self, error: VendorError, attempt: int, wait: float) -> None:
        self.retries += 1
        log.warning("ServiceTitan %s; retry %d/%d in %.2fs", error, attempt, self.max_retries,
                    wait)

    def _fetch_token(self) -> tuple[str, float]:
        """A new token from the auth endpoint (client credentials); retried like any call."""
        def attempt() -> tuple[str, float]:
            response = self._request("token", lambda: self.session.post(
                self.config.auth_url, timeout=self.timeout, data={
                    "grant_type": "client_credentials", "client_id": self.config.client_id,
                    "client_secret": self.config.client_secret}))
            if response.status_code != 200:
                raise _http_error("token", response)
            return _token_from(response)

        return call_with_retries(attempt, attempts=self.max_retries + 1, backoff=self.backoff,
                                 before_retry=self._retrying, sleep=self.sleep)


def _body(endpoint: str, response: requests.Response) -> Any:
    if response.status_code != 200:
        raise _http_error(endpoint, response)
    try:
        return parse_body(response.content)
    except ValueError:
        raise ServiceTitanError("the response is not JSON", status=200, endpoint=endpoint,
                                retryable=True) from None


def _token_from(response: requests.Response) -> tuple[str, float]:
    try:
        body = parse_body(response.content)
        token, expires_in = body["access_token"], float(body.get("expires_in", 900))
    except (ValueError, KeyError, TypeError):
        raise ServiceTitanError("the token response has no access_token", status=200,
                                endpoint="token") from None
    if not isinstance(token, str) or not token:
        raise ServiceTitanError("the token response has no access_token", status=200,
                                endpoint="token")
    return token, expires_in


def _http_error(endpoint: str, response: requests.Response) -> ServiceTitanError:
    status = response.status_code
    return ServiceTitanError(f"{status} {problem_text(response)}", status=status,
                             endpoint=endpoint, **error_fields(response, MAINTENANCE))


def _export_page(endpoint: str, body: Any) -> Page:
    if not (isinstance(body, dict) and isinstance(body.get("data"), list)
            and isinstance(body.get("hasMore"), bool)
            and isinstance(body.get("continueFrom"), str)):
        raise ServiceTitanError("not an export envelope {hasMore, continueFrom, data}",
                                status=200, endpoint=endpoint)
    return Page(body["data"], body["hasMore"], body["continueFrom"])


def _list_page(endpoint: str, body: Any) -> Page:
    if not (isinstance(body, dict) and isinstance(body.get("data"), list)
            and isinstance(body.get("hasMore"), bool)):
        raise ServiceTitanError("not a list envelope {page, hasMore, data}", status=200,
                                endpoint=endpoint)
    return Page(body["data"], body["hasMore"])
