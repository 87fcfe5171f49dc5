"""Twilio's rules for sending a message, and the store of messages and opt-outs.

``check_create`` validates the form parameters of a create in Twilio's order and with its
error codes; ``MessageStore`` keeps the message resources (Twilio's JSON shape), the numbers
that opted out, and the inbound messages. Opt-outs are kept per recipient number for the
whole sandbox account (Twilio keeps them per sender number or Messaging Service).
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from random import Random
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sandbox.twilio.segments import segment_count

if TYPE_CHECKING:
    from sandbox.twilio.app import TwilioOptions

API_VERSION = "2010-04-01"
PROCESS_SALT = secrets.token_hex(8)
MAX_BODY = 1600
E164 = re.compile(r"\+[1-9]\d{7,14}\Z")

# Twilio's magic test numbers (what they do with test credentials).
MAGIC_TO = {
    "+15005550001": (21211, "The 'To' number {to} is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: {to}, is not currently reachable using "
                            "the 'From' phone number via SMS."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for the region "
                            "indicated by the 'To' number: {to}."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
MAGIC_FROM = {
    "+15005550001": (21212, "The 'From' number {from_} is not a valid phone number, "
                            "shortcode, or alphanumeric sender ID."),
    "+15005550008": (21611, "This 'From' number has exceeded the maximum number of queued "
                            "messages."),
}
# Sandbox-only numbers whose delivery fails later, in the status callbacks.
UNREACHABLE_NUMBER = "+15005550010"   # -> sent, then undelivered (30003)
LANDLINE_NUMBER = "+15005550011"      # -> failed (30006)
DELIVERY_OUTCOMES: dict[str, list[tuple[str, int | None]]] = {
    UNREACHABLE_NUMBER: [("sent", None), ("undelivered", 30003)],
    LANDLINE_NUMBER: [("failed", 30006)],
}
DELIVERED = [("sent", None), ("delivered", None)]


class TwilioError(Exception):
    def __init__(self, code: int, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "status": self.status,
                "more_info": f"https://www.twilio.com/docs/errors/{self.code}"}


@dataclass(frozen=True)
class CreateRequest:
    to: str
    from_: str | None
    service_sid: str | None
    body: str
    status_callback: str | None


def check_create(params: dict[str, str], options: TwilioOptions,
                 store: MessageStore) -> CreateRequest:
    """The create's parameters, or the ``TwilioError`` Twilio would answer. Unknown
    parameters are ignored, as Twilio does."""
    to, from_ = params.get("To", ""), params.get("From") or None
    service, body = params.get("MessagingServiceSid") or None, params.get("Body", "")
    callback = params.get("StatusCallback") or None
    if not to:
        raise TwilioError(21604, "A 'To' phone number is required.")
    if not (from_ or service):
        raise TwilioError(21603, "A 'From' or 'MessagingServiceSid' parameter is required "
                                 "to send a message.")
    if not E164.match(to) or to == "+15005550001":
        raise TwilioError(21211, f"The 'To' number {to} is not a valid phone number.")
    if from_ is not None:
        _check_from(from_, options)
    if service is not None and service != options.messaging_service_sid:
        raise TwilioError(21705, f"The Messaging Service Sid {service} is invalid.")
    if not body and not params.get("MediaUrl"):
        raise TwilioError(21602, "Message body is required.")
    if len(body) > MAX_BODY:
        raise TwilioError(21617, "The concatenated message body exceeds the 1600 character "
                                 "limit.")
    if callback and urlsplit(callback).scheme not in ("http", "https"):
        raise TwilioError(21609, f"The StatusCallback URL {callback} is not a valid URL.")
    _check_validity_period(params.get("ValidityPeriod"))
    if to in MAGIC_TO:
        code, message = MAGIC_TO[to]
        raise TwilioError(code, message.format(to=to))
    if store.is_opted_out(to):
        raise TwilioError(21610, "Attempt to send to unsubscribed recipient")
    return CreateRequest(to, from_, service, body, callback)


def _check_from(from_: str, options: TwilioOptions) -> None:
    if from_ in MAGIC_FROM:
        code, message = MAGIC_FROM[from_]
        raise TwilioError(code, message.format(from_=from_))
    if from_ not in options.from_numbers:
        raise TwilioError(21606, f"The 'From' phone number provided ({from_}) is not a valid "
                                 f"message-capable Twilio phone number for this destination.")


def _check_validity_period(raw: str | None) -> None:
    if raw is None:
        return
    if not raw.isdigit() or not 1 <= int(raw) <= 36000:
        raise TwilioError(21624, "Validity period can only be set to integers between 1 and "
                                 "36,000 seconds.")


def rfc2822(moment: datetime) -> str:
    """Twilio's date format: ``Thu, 24 Aug 2023 05:01:45 +0000``."""
    return format_datetime(moment.astimezone(UTC))


class MessageStore:
    """Messages (Twilio's resource shape), inbound messages and opted-out numbers."""

    def __init__(self, account_sid: str, clock: Callable[[], float]):
        self.account_sid = account_sid
        self._clock = clock
        self._messages: dict[str, dict[str, Any]] = {}
        self._inbound: list[dict[str, str]] = []
        self._opted_out: set[str] = set()
        # Reproducible from a reset within one process; different in every process, as
        # Twilio's never repeat: a restarted sandbox must not hand out SIDs that a database
        # kept from the last run already holds (the receiver deduplicates on them).
        self._rng = Random(f"twilio-sandbox-{PROCESS_SALT}")
        self._lock = threading.Lock()

    def now(self) -> str:
        return rfc2822(datetime.fromtimestamp(self._clock(), UTC))

    def new_sid(self, prefix: str = "SM") -> str:
        with self._lock:
            return prefix + f"{self._rng.getrandbits(128):032x}"

    def create(self, request: CreateRequest) -> tuple[dict[str, Any], list]:
        """Record an accepted create; returns the resource and its planned delivery."""
        sid, now = self.new_sid(), self.now()
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}"
        message = {
            "account_sid": self.account_sid, "api_version": API_VERSION, "body": request.body,
            "date_created": now, "date_sent": None, "date_updated": now,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": request.from_, "messaging_service_sid": request.service_sid,
            "num_media": "0", "num_segments": str(segment_count(request.body)),
            "price": None, "price_unit": "USD", "sid": sid,
            # With a Messaging Service Twilio answers "accepted" and picks the sender later.
            "status": "accepted" if request.service_sid and not request.from_ else "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"}, "to": request.to,
            "uri": f"{uri}.json",
        }
        with self._lock:
            self._messages[sid] = message
            return copy.deepcopy(message), DELIVERY_OUTCOMES.get(request.to, DELIVERED)

    def get(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            message = self._messages.get(sid)
            return copy.deepcopy(message) if message else None

    def set_status(self, sid: str, status: str, error_code: int | None,
                   sender: str | None) -> dict[str, Any] | None:
        with self._lock:
            message = self._messages.get(sid)
            if message is None:
                return None
            message.update(status=status, error_code=error_code, date_updated=self.now())
            if status == "sent":
                message["date_sent"] = message["date_updated"]
            if message["from"] is None:
                message["from"] = sender
            return copy.deepcopy(message)

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._messages.values()))

    def add_inbound(self, params: dict[str, str]) -> None:
        with self._lock:
            self._inbound.append(dict(params))

    def inbound(self) -> list[dict[str, str]]:
        with self._lock:
            return copy.deepcopy(self._inbound)

    def is_opted_out(self, number: str) -> bool:
        with self._lock:
            return number in self._opted_out

    def set_opted_out(self, number: str, opted_out: bool) -> None:
        with self._lock:
            (self._opted_out.add if opted_out else self._opted_out.discard)(number)

    def opted_out(self) -> list[str]:
        with self._lock:
            return sorted(self._opted_out)
