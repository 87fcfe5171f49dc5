"""Rate limits (django-ratelimit), one place for every endpoint's budget.

Limits live in ``settings.RATELIMITS`` by group name (``"300/m"`` style). Past a limit the
answer is 429 with ``Retry-After`` (the longest anyone needs to wait: one window).

``rate_limit`` counts every request. ``limit_refusals`` counts only the requests a signed
webhook refuses, for senders that do not retry a 429 (Twilio): their genuine bursts come from
a few shared addresses, and a text turned away is a text lost — a STOP among them a breach.
So a correctly signed request is never answered 429, however many refusals its address has
had: the signature is checked before the budget is looked at.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from functools import cache, wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_ratelimit import ALL
from django_ratelimit.core import _split_rate, get_usage, is_ratelimited

from config.metrics_registry import webhook_rejected


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a reverse proxy listed in ``TRUSTED_PROXIES`` it is the
    nearest address in ``X-Forwarded-For`` that is not one of those proxies (the ones further
    left could be forged by the client); otherwise ``REMOTE_ADDR``."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop):
            return hop if _is_ip(hop) else remote
    return remote


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _trusted(address: str) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_ip(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in networks)


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                                  ...]:
    return tuple(ipaddress.ip_network(net) for net in proxies)


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


# (group, rate, address) → when its refusal budget is renewed; per process, so each worker
# answers at most one more refusal per window before it answers that address 429 too.
_refusals_spent: dict[tuple[str, str, str], float] = {}


def limit_refusals(group: str):
    """View decorator for a signed webhook whose sender does not retry a 429 (Twilio).

    The view always runs first: it reads the body (bounded) and checks the signature before
    anything else, so a correctly signed request is processed whatever its address did
    before — Twilio posts every account's webhooks from shared addresses, and a budget others
    can spend must never cost us a genuine text. Only refusals (a 4xx: a wrong signature, a
    malformed request) spend ``group``'s budget for the client address; once it is spent, that
    address's refusals are answered 429 with ``Retry-After`` until the window ends."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if 400 <= response.status_code < 500:
                return _refusal(request, group, response)
            return response

        return wrapped

    return decorator


def _refusal(request: HttpRequest, group: str, response: HttpResponse) -> HttpResponse:
    """``response`` (the view's refusal) while the address has budget left, else 429."""
    spent = (group, settings.RATELIMITS[group], client_ip(request))
    if _refusals_spent.get(spent, 0.0) > time.time():
        webhook_rejected(group.removeprefix("webhook_"), "rate_limited")
        return too_many_requests(group)
    _count_refusal(request, group, spent)
    return response


def _count_refusal(request: HttpRequest, group: str, spent: tuple[str, str, str]) -> None:
    usage = get_usage(request, group=f"pc:refused:{group}", key="ip",
                      rate=settings.RATELIMITS[group], increment=True)
    if usage and usage["count"] >= usage["limit"]:
        now = time.time()
        for key in [key for key, until in list(_refusals_spent.items()) if until <= now]:
            _refusals_spent.pop(key, None)  # another thread may have pruned it already
        _refusals_spent[spent] = now + max(usage["time_left"], 1)
