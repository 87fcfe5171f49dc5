"""The combined sandbox: ServiceTitan, GHL and Twilio stand-ins behind one port.

    /servicetitan/...   ServiceTitan (token endpoint at /servicetitan/connect/token)
    /ghl/...            GoHighLevel LeadConnector API v2
    /twilio/...         Twilio REST API (2010-04-01)
    /_control/...       faults shared by all three (see ``FaultInjector``)

Each vendor is a ``Vendor`` object with a ``handle(request)`` method and its own control API
under ``/<vendor>/_control/``. ``start_sandbox()`` runs it in a thread (tests);
``manage.py sandbox`` runs it in the foreground.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

from sandbox.http import Request, Response, SandboxHTTPServer, json_response


class Vendor(Protocol):
    def handle(self, request: Request) -> Response: ...


@dataclass
class Fault:
    """Answer matching requests with ``status`` (or just delay them) ``times`` times.

    ``times=None`` repeats until cleared. ``status=None`` with a ``delay`` only slows the
    request down and then serves it normally.
    """

    vendor: str = ""             # "servicetitan", "ghl", "twilio" or "" for any
    path_contains: str = ""
    method: str = ""
    status: int | None = 500
    times: int | None = 1
    retry_after: float | None = None
    delay: float = 0.0
    body: dict | None = None
    hits: int = 0

    def matches(self, vendor: str, request: Request) -> bool:
        return ((not self.vendor or self.vendor == vendor)
                and self.path_contains in request.path
                and (not self.method or self.method == request.method))


@dataclass
class FaultInjector:
    faults: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **kwargs) -> Fault:
        fault = Fault(**kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()

    def take(self, vendor: str, request: Request) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(vendor, request):
                    fault.hits += 1
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None


def fault_response(fault: Fault) -> Response | None:
    if fault.delay:
        time.sleep(fault.delay)
    if fault.status is None:
        return None
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = f"{fault.retry_after:g}"
    body = fault.body if fault.body is not None else {
        "title": "Injected fault", "status": fault.status}
    return json_response(body, status=fault.status, headers=headers)


class SandboxApp:
    def __init__(self, vendors: dict[str, Vendor]):
        self.vendors = vendors
        self.faults = FaultInjector()
        self.request_counts: dict[str, int] = {}
        self._count_lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        if request.path.startswith("/_control/"):
            return self.control(request)
        name, _, rest = request.path.lstrip("/").partition("/")
        vendor = self.vendors.get(name)
        if vendor is None:
            return json_response({"error": f"no sandbox vendor at /{name}"}, status=404)
        with self._count_lock:
            self.request_counts[name] = self.request_counts.get(name, 0) + 1
        request.path = "/" + rest
        if not request.path.startswith("/_control/"):
            fault = self.faults.take(name, request)
            if fault is not None:
                response = fault_response(fault)
                if response is not None:
                    return response
        return vendor.handle(request)

    def control(self, request: Request) -> Response:
        if request.path == "/_control/faults" and request.method == "POST":
            try:
                fault = self.faults.add(**request.json())
            except (TypeError, ValueError) as exc:
                return json_response({"error": f"bad fault: {exc}"}, status=400)
            return json_response({"added": fault.__dict__ | {"hits": 0}}, status=201)
        if request.path == "/_control/faults" and request.method == "DELETE":
            self.faults.clear()
            return json_response({"cleared": True})
        if request.path == "/_control/stats":
            return json_response({"requests": self.request_counts})
        return json_response({"error": "unknown control endpoint"}, status=404)


def build_app(scale: int = 1, seed: int = 1) -> SandboxApp:
    """The three vendors, ServiceTitan holding a synthetic tenant of ``scale`` (customers are
    about 100 per unit of scale; other resources in proportion)."""
    from sandbox.ghl import GHLSandbox
    from sandbox.servicetitan import ServiceTitanSandbox
    from sandbox.twilio import TwilioSandbox

    return SandboxApp({
        "servicetitan": ServiceTitanSandbox(scale=scale, seed=seed),
        "ghl": GHLSandbox(seed=seed),
        "twilio": TwilioSandbox(),
    })


@dataclass
class RunningSandbox:
    server: SandboxHTTPServer
    app: SandboxApp

    @property
    def url(self) -> str:
        return self.server.url

    def vendor(self, name: str):
        return self.app.vendors[name]

    def stop(self) -> None:
        self.server.stop()


def start_sandbox(host: str = "127.0.0.1", port: int = 0, app: SandboxApp | None = None,
                  **build_kwargs) -> RunningSandbox:
    """Start the sandbox in a background thread (port 0: a free port)."""
    app = app or build_app(**build_kwargs)
    server = SandboxHTTPServer((host, port), app)
    server.start_in_thread()
    return RunningSandbox(server, app)
