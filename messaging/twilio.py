"""The one way out to Twilio: ``send_message`` through twilio-python, pointed at
``settings.TWILIO.api_base_url`` (the sandbox stands in when Twilio is not configured).

Every failure becomes ``TwilioSendError`` (a ``config.vendor_http.VendorError``) with Twilio's
``code`` (None for network errors), ``retryable`` (a later attempt may succeed: 408, 425, 429,
5xx, and Twilio's queue-full codes) and ``outcome_unknown`` (the request may have reached
Twilio: a retry could send the text twice, so nobody should retry it blindly). Nothing is
retried here: ``send_sms`` schedules the next attempt of a retryable text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import MaxRetryError, NewConnectionError

from config.vendor_http import VendorError, retryable_status
from messaging.phones import mask_phone

log = logging.getLogger(__name__)
# twilio-python logs every request's URL and headers at INFO; keep that out of our logs.
_library_log = logging.getLogger("messaging.twilio.library")
_library_log.setLevel(logging.WARNING)
TWILIO_API_ORIGIN = "https://api.twilio.com"
TIMEOUT = 15.0
# Codes for which a later attempt can succeed: rate limits and full queues.
TRANSIENT_CODES = frozenset({20429, 21611, 30001, 30022})
OPTED_OUT_CODE = 21610


class TwilioSendError(VendorError):
    def __init__(self, message: str, *, code: int | None = None, status: int | None = None,
                 retryable: bool = False, outcome_unknown: bool = False):
        super().__init__(message, status=status, retryable=retryable)
        self.code, self.outcome_unknown = code, outcome_unknown


@dataclass(frozen=True)
class Submitted:
    sid: str
    status: str
    segments: int | None


class _BaseUrlHttpClient(TwilioHttpClient):
    """twilio-python's documented extension point: what the library addresses to
    https://api.twilio.com goes to ``api_base_url`` instead."""

    def __init__(self, api_base_url: str):
        super().__init__(timeout=TIMEOUT, logger=_library_log)
        self.api_base_url = api_base_url

    def request(self, method, url, *args, **kwargs):
        url = url.replace(TWILIO_API_ORIGIN, self.api_base_url, 1)
        return super().request(method, url, *args, **kwargs)


@lru_cache(maxsize=4)
def _client(account_sid: str, auth_token: str, api_base_url: str) -> Client:
    http = None if api_base_url == TWILIO_API_ORIGIN else _BaseUrlHttpClient(api_base_url)
    http = http or TwilioHttpClient(timeout=TIMEOUT, logger=_library_log)
    return Client(account_sid, auth_token, http_client=http)


def sender() -> str:
    """The Messaging Service when one is configured, else the from number (pacing key)."""
    return settings.TWILIO.messaging_service_sid or settings.TWILIO.from_number or ""


def send_message(*, to: str, body: str, status_callback: str) -> Submitted:
    """Hand one text to Twilio. Raises ``TwilioSendError``."""
    conf = settings.TWILIO
    if not conf.enabled:  # TWILIO_ENABLED=false: nothing was sent, so nothing is unknown
        raise TwilioSendError(conf.turned_off)
    sender_args = ({"messaging_service_sid": conf.messaging_service_sid}
                   if conf.messaging_service_sid else {"from_": conf.from_number})
    client = _client(conf.account_sid, conf.auth_token, conf.api_base_url)
    try:
        message = client.messages.create(to=to, body=body, status_callback=status_callback,
                                         **sender_args)
    except TwilioRestException as exc:
        retryable = retryable_status(exc.status) or exc.code in TRANSIENT_CODES
        log.warning("twilio refused a text to %s: HTTP %s code %s", mask_phone(to),
                    exc.status, exc.code)
        raise TwilioSendError(_reason(exc), code=exc.code, status=exc.status,
                              retryable=retryable) from None
    except requests.RequestException as exc:
        never_sent = _never_connected(exc)
        log.warning("twilio unreachable sending to %s: %s", mask_phone(to),
                    exc.__class__.__name__)
        raise TwilioSendError(f"Twilio unreachable: {exc.__class__.__name__}",
                              retryable=never_sent, outcome_unknown=not never_sent) from None
    segments = int(message.num_segments) if message.num_segments else None
    return Submitted(sid=message.sid, status=message.status, segments=segments)


def _reason(exc: TwilioRestException) -> str:
    return f"Twilio error {exc.code}: {exc.msg}"[:255] if exc.code else \
        f"Twilio HTTP {exc.status}"


def _never_connected(exc: requests.RequestException) -> bool:
    """True when the request cannot have reached Twilio (no connection was made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        cause = exc.args[0]
        return isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError)
    return False
