"""Rate limits (django-ratelimit), one place for every endpoint's budget.

Limits live in ``settings.RATELIMITS`` by group name (``"300/m"`` style). Past a limit the
answer is 429 with ``Retry-After`` (the longest anyone needs to wait: one window).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_ratelimit import ALL
from django_ratelimit.core import _split_rate, is_ratelimited

from config.metrics_registry import webhook_rejected


def too_many_requests(group: str, *, html: bool = False) -> HttpResponse:
    """429 with ``Retry-After``: JSON for machines, a short page for staff (``html``)."""
    _count, period = _split_rate(settings.RATELIMITS[group])
    if html:
        response = HttpResponse(
            render_to_string("429.html", {"retry_after": period}), status=429)
    else:
        response = JsonResponse({"error": "too many requests", "retry_after_seconds": period},
                                status=429)
    response["Retry-After"] = str(period)
    return response


def over_limit(request: HttpRequest, group: str, key: str | Callable = "ip",
               method=ALL) -> bool:
    """Counts this request against ``group``'s budget for ``key``; True when it is spent."""
    return is_ratelimited(request, group=f"pc:{group}", key=key,
                          rate=settings.RATELIMITS[group], method=method, increment=True)


def rate_limit(group: str, *, keys: tuple[str | Callable, ...] = ("ip",), method=ALL):
    """View decorator: 429 once any of ``keys`` has spent ``group``'s budget."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if any([over_limit(request, group, key, method) for key in keys]):
                if group.startswith("webhook_"):
                    webhook_rejected(group.removeprefix("webhook_"), "rate_limited")
                return too_many_requests(group)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
