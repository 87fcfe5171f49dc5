"""A vendor turned off (``TWILIO_ENABLED=false`` …, config/vendors.py) has no webhooks.

``unless_turned_off("TWILIO")`` wraps a webhook view: while ``settings.TWILIO`` is turned off
the view answers 404 with the reason and runs nothing, so nothing is stored and no signature
is checked against credentials that are not there (an empty Twilio token is a key anyone can
sign with). The switch is read per request, so tests can flip it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def unless_turned_off(vendor_setting: str) -> Callable[[Callable], Callable]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)  # keeps csrf_exempt
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            block = getattr(settings, vendor_setting)
            if not block.enabled:
                return HttpResponse(f"{block.turned_off}\n", status=404,
                                    content_type="text/plain; charset=utf-8")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
