"""The one HTTP choke point for outgoing webhooks (the ``http_request`` step).

Every request carries the step's ``Idempotency-Key`` header, so a receiver can recognise a
re-sent request after a crash. Errors say whether a retry can help: connection problems,
timeouts and the statuses ``config.vendor_http.retryable_status`` names (408, 425, 429, 5xx)
are transient, and carry the answer's ``Retry-After`` (seconds or a date) for the engine to
honour; any other 4xx is permanent. Log lines show the
method, host and path only (query strings may hold tokens).

A definition is written by staff, but its requests leave from the worker, inside the network:

- **Addresses.** The host is resolved once per connection, and every address it gives must be
  public: loopback, private, link-local (169.254.0.0/16, where cloud metadata lives),
  unique-local and other special ranges are refused unless ``WORKFLOW_HTTP_ALLOWED_NETWORKS``
  lists them. The check happens where the socket is opened, and the socket connects to the
  address that was checked, so a name that resolves differently a second time (DNS
  rebinding) gains nothing, and every redirect hop (at most ``MAX_REDIRECTS``) is checked the
  same way. Environment proxies and ``.netrc`` are ignored.
- **Limits.** At most ``MAX_RESPONSE_BYTES`` of (decoded) body are read; the step's
  ``timeout`` bounds the whole exchange — connecting, redirects, the body — not each read
  (name resolution aside, which the resolver bounds).
- **Credentials.** Headers that carry credentials are not sent on to another origin by a
  redirect, and ``redact_*`` keep them, URL credentials and credential-like fields of
  response bodies out of what is stored (step runs, the instance context).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import create_connection

from config.vendor_http import error_fields
from workflows.steps.base import PermanentStepError, TransientStepError

log = logging.getLogger(__name__)
MAX_BODY_CHARS = 4000
MAX_RESPONSE_BYTES = 1_000_000
MAX_REDIRECTS = 5
REDACTED = "[redacted]"
# Header, query and body field names whose values are credentials.
_SENSITIVE = re.compile(r"authori[sz]ation|cookie|api[-_]?key|token|secret|passw(or)?d|"
                        r"credential|signature|session", re.IGNORECASE)


@dataclass(frozen=True)
class WebhookResponse:
    status: int
    body: Any          # parsed JSON, else text (truncated); credential-like fields redacted


class AddressRefused(Exception):
    """The host resolves to an address webhooks may not reach (not an ``OSError``, so no
    layer underneath mistakes it for a network problem worth retrying)."""


def send(method: str, url: str, *, body: Any = None, headers: dict[str, str] | None = None,
         idempotency_key: str, timeout: float = 10.0) -> WebhookResponse:
    """Send one request; returns the response for 2xx/3xx, raises a step error otherwise."""
    headers = {"User-Agent": "PerfectCatch-Workflows/1", **(headers or {}),
               "Idempotency-Key": idempotency_key}
    data = None
    if body is not None and method != "GET":
        data = json.dumps(body).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
    where = f"{method} {_where(url)}"
    try:
        with _deadline(timeout) as watch, _Session() as session:
            try:
                response = session.request(method, url, data=data, headers=headers,
                                           timeout=timeout, stream=True)
                with response:
                    content = _read(response, where)
            except (requests.RequestException, OSError) as exc:
                if watch.expired:
                    raise TransientStepError(f"{where}: no complete answer within "
                                             f"{timeout:g}s") from exc
                log.warning("webhook %s failed: %s", where, exc.__class__.__name__)
                raise TransientStepError(f"{where}: {exc.__class__.__name__}") from exc
    except AddressRefused as exc:
        log.warning("webhook %s refused: %s", where, exc)
        raise PermanentStepError(f"{where}: refused, {exc}") from None
    log.info("webhook %s → %s", where, response.status_code)
    parsed = redact_data(_parse(content, response.encoding))
    refusal = error_fields(response)
    if refusal["retryable"]:
        raise TransientStepError(f"{where} answered {response.status_code}",
                                 retry_after=refusal["retry_after"])
    if response.status_code >= 400:
        raise PermanentStepError(f"{where} answered {response.status_code}: "
                                 f"{str(parsed)[:300]}")
    return WebhookResponse(response.status_code, parsed)


# --- what is stored ---------------------------------------------------------------------------

def redact_url(url: str) -> str:
    """``url`` without its user/password, and with credential-like query values redacted."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query and _SENSITIVE.search(query):
        query = urlencode([(k, REDACTED if _SENSITIVE.search(k) else v)
                           for k, v in parse_qsl(query, keep_blank_values=True)], safe="{}% ")
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def redact_headers(headers: Any) -> Any:
    if not isinstance(headers, dict):
        return headers
    return {k: REDACTED if _SENSITIVE.search(str(k)) else v for k, v in headers.items()}


def redact_data(value: Any) -> Any:
    """JSON ``value`` with the values of credential-like keys redacted, at any depth."""
    if isinstance(value, dict):
        return {k: REDACTED if _SENSITIVE.search(str(k)) else redact_data(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact_data(item) for item in value]
    return value


# --- reading the answer -----------------------------------------------------------------------

def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"


def _read(response: requests.Response, where: str) -> bytes:
    """The (decoded) body, refused past ``MAX_RESPONSE_BYTES`` without reading the rest."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        raise PermanentStepError(f"{where}: the answer is larger than 1 MB ({declared} bytes)")
    content = bytearray()
    for chunk in response.iter_content(64 * 1024):
        content += chunk
        if len(content) > MAX_RESPONSE_BYTES:
            raise PermanentStepError(f"{where}: the answer is larger than 1 MB")
    return bytes(content)


def _parse(content: bytes, encoding: str | None) -> Any:
    text = content.decode(encoding or "utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text[:MAX_BODY_CHARS]


# --- the time limit ---------------------------------------------------------------------------

class _Watch:
    """Shuts the sockets of one exchange down once its time is up: a read blocked on a
    server that drips its answer returns at once, instead of after one timeout per read."""

    def __init__(self) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with suppress(OSError):  # closed already
            sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()


@contextmanager
def _deadline(seconds: float) -> Iterator[_Watch]:
    watch = _Watch()
    timer = threading.Timer(seconds, watch.expire)
    timer.daemon = True
    _current.watch = watch
    timer.start()
    try:
        yield watch
    finally:
        timer.cancel()
        _current.watch = None


# --- where sockets are opened -----------------------------------------------------------------

@cache
def _networks(allowed: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                                 ...]:
    try:
        return tuple(ipaddress.ip_network(net.strip(), strict=False) for net in allowed)
    except ValueError as exc:
        raise ImproperlyConfigured(f"WORKFLOW_HTTP_ALLOWED_NETWORKS: {exc}") from None


def refusal(address: str) -> str | None:
    """Why webhooks may not reach ``address`` (an IP), or None when they may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _networks(tuple(settings.WORKFLOW_HTTP_ALLOWED_NETWORKS))):
        return None
    for kind in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    return None if ip.is_global else "a non-public address"


def _connect(host: str, port: int, timeout: Any, source_address: Any,
             socket_options: Any) -> socket.socket:
    """Resolve ``host`` once, refuse it unless every address is allowed, then connect to
    the checked addresses in turn (as ``create_connection`` would)."""
    addresses = list(dict.fromkeys(
        info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise AddressRefused(f"{host} resolves to {reason} (allow its network with "
                                 f"WORKFLOW_HTTP_ALLOWED_NETWORKS)")
    error: OSError | None = None
    for address in addresses:
        try:
            return create_connection((address, port), timeout, source_address=source_address,
                                     socket_options=socket_options)
        except OSError as exc:
            error = exc
    raise error or OSError(f"{host} has no address")


class _Guarded:
    """Mixed into urllib3's connections: the socket comes from ``_connect``, and is watched by
    the exchange's deadline."""

    def _new_conn(self) -> socket.socket:
        conn: Any = self  # an HTTPConnection: host, port, timeout and options are its own
        try:
            sock = _connect(conn._dns_host, conn.port, conn.timeout, conn.source_address,
                            conn.socket_options)
        except socket.gaierror as exc:
            raise NameResolutionError(conn.host, conn, exc) from exc
        except TimeoutError as exc:
            raise ConnectTimeoutError(conn, f"connecting to {conn.host} timed out") from exc
        except OSError as exc:
            raise NewConnectionError(conn, f"cannot connect: {exc}") from exc
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.add(sock)
        return sock


class _GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool,
                                                   "https": _GuardedHTTPSPool}


class _Session(requests.Session):
    """One per exchange (no connection outlives its deadline), guarded for both schemes,
    deaf to environment proxies and ``.netrc``, and a redirect to another origin drops every
    credential header, not only ``Authorization``."""

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False
        self.max_redirects = MAX_REDIRECTS
        for scheme in ("http://", "https://"):
            self.mount(scheme, _GuardedAdapter())

    def rebuild_auth(self, prepared_request, response) -> None:
        if self.should_strip_auth(response.request.url, prepared_request.url):
            for name in [n for n in prepared_request.headers if _SENSITIVE.search(n)]:
                del prepared_request.headers[name]
        super().rebuild_auth(prepared_request, response)
