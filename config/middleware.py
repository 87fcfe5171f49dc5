"""One structured log line per request, with a request id that every other line logged during
the request carries too (``config.logs``)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.utils import timezone

from config.logs import mask, request_id_var
from config.ratelimits import client_ip

log = logging.getLogger("perfectcatch.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Probes hit these every few seconds: log them only when they fail.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self.log(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def log(request, status: int, started: float) -> None:
        if request.path in QUIET_PATHS and status < 400:
            return
        user = getattr(request, "user", None)
        # The path only: query strings may carry tokens, bodies are never logged.
        path = mask(request.path)  # e.g. /admin/…/conversations/+14155550123/
        log.info("%s %s %s", request.method, path, status, extra={
            "method": request.method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user": user.get_username() if user is not None and user.is_authenticated else "",
            "remote_addr": client_ip(request),
        })


class BusinessTimeZoneMiddleware:
    """Staff read every time in the business's zone (``BUSINESS_TIME_ZONE``): the admin's
    pages activate it, so templates, list columns and date filters show local time. The rest
    of the service (webhooks, probes, workers) keeps UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/"):
            return self.get_response(request)
        with timezone.override(settings.BUSINESS_TIME_ZONE):
            return self.get_response(request)
