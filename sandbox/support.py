"""Pieces the GHL and Twilio sandboxes share: a request log, a loopback-only POST for the
webhooks they send, and the id generator.

Kept apart from ``sandbox.http`` (the server core) so the vendors can grow without touching it.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import string
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Any
from urllib.parse import urlsplit

from sandbox.http import Request, Response

logger = logging.getLogger(__name__)
ALPHANUMERIC = string.ascii_letters + string.digits


def random_id(rng: Random, length: int = 20) -> str:
    """A GHL-looking id: ``length`` ASCII letters and digits."""
    return "".join(rng.choice(ALPHANUMERIC) for _ in range(length))


class RequestLog:
    """Every request a vendor received, with what it answered. Thread-safe.

    Entries are plain dicts: method, path, query (name -> last value), headers (lower-cased
    names), json (the parsed body or None), form (the parsed form body or None), status.
    """

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def record(self, request: Request, response: Response) -> None:
        content_type = request.headers.get("content-type", "")
        entry = {
            "method": request.method,
            "path": request.path,
            "query": {name: values[-1] for name, values in request.query.items()},
            "headers": dict(request.headers),
            "json": _json_or_none(request.body) if "json" in content_type else None,
            "form": request.form() if "form-urlencoded" in content_type else None,
            "status": response.status,
        }
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        return None


class DeliveryError(ConnectionError):
    """A webhook could not be delivered at all (refused, timed out, not loopback)."""


@dataclass(frozen=True)
class Delivery:
    status: int
    body: bytes
    content_type: str

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 15.0) -> Delivery:
    """POST ``body`` to ``url`` and return what the receiver answered (any status).

    Only loopback receivers are allowed: the sandbox must never call out to the internet,
    whatever URL a test or a misconfigured demo hands it. Raises ``DeliveryError`` when
    nothing answered.
    """
    _require_loopback(url)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return Delivery(answer.status, answer.read(), answer.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        return Delivery(exc.code, exc.read(), exc.headers.get("Content-Type", ""))
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"could not deliver to {url}: {exc}") from None


def _require_loopback(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"not an http(s) URL: {url!r}")
    if parts.hostname == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise DeliveryError(f"the sandbox only delivers to loopback addresses, not {url!r}")


class BackgroundSender:
    """Runs queued jobs one at a time, in order, on a daemon thread (started on first use).

    Used where the real vendor calls back asynchronously (GHL webhooks for API changes, Twilio
    status callbacks). ``wait_idle`` is how a test synchronises with it; ``close`` stops the
    thread and drops what is still queued.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._jobs: list[Callable[[], None]] = []
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()

    def submit(self, job: Callable[[], None]) -> None:
        with self._cond:
            if self._closed:
                return
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every submitted job has run; False if ``timeout`` passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._jobs and not self._busy, timeout)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._jobs.clear()
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._jobs or self._closed)
                if self._closed:
                    return
                job = self._jobs.pop(0)
                self._busy = True
            try:
                job()
            except Exception:  # a failed delivery must not stop the ones after it
                logger.exception("sandbox background job failed")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


def check_option_types(defaults: Any, changes: dict[str, Any],
                       nullable: dict[str, type] | None = None) -> None:
    """Refuse option values whose type differs from the default's (``ValueError``).

    ``defaults`` is a freshly built options dataclass; a list stands in for a tuple, as JSON
    has no tuples; ``nullable`` gives the type of options that may also be ``None``.
    """
    nullable = nullable or {}
    for name, value in changes.items():
        if name in nullable and value is None:
            continue
        expected = nullable.get(name) or type(getattr(defaults, name))
        if expected is tuple and isinstance(value, list):
            continue
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ValueError(f"option {name} must be a {expected.__name__}, not {value!r}")
