"""The Twilio sandbox (REST API 2010-04-01, as twilio-python 9 calls it):
``TwilioSandbox(**options)``.

- ``POST /2010-04-01/Accounts/{Sid}/Messages.json`` (HTTP Basic auth AccountSid:AuthToken)
  answers 201 with a message resource, or 400 with Twilio's error codes (``messages.py``).
- ``GET /2010-04-01/Accounts/{Sid}/Messages/{MessageSid}.json``.

Twilio's magic test numbers behave as with test credentials (``MAGIC_TO``/``MAGIC_FROM``);
two sandbox-only numbers (``DELIVERY_OUTCOMES``) make the status callbacks end in
``undelivered`` (30003) or ``failed`` (30006). Numbers that texted STOP through the sandbox
are refused with 21610 until they text START. The control API is in ``control.py``.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from sandbox.credentials import (
    SANDBOX_TWILIO_ACCOUNT_SID,
    SANDBOX_TWILIO_AUTH_TOKEN,
    SANDBOX_TWILIO_FROM_NUMBER,
)
from sandbox.http import Request, Response, json_response
from sandbox.support import BackgroundSender, RequestLog
from sandbox.twilio import messages
from sandbox.twilio.control import TwilioControl
from sandbox.twilio.messages import TwilioError

SANDBOX_MESSAGING_SERVICE_SID = "MG" + "5b" * 16
_MESSAGES = re.compile(r"/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json\Z")
_MESSAGE = re.compile(r"/2010-04-01/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>[^/]+)\.json\Z")


@dataclass
class TwilioOptions:
    from_numbers: tuple[str, ...] = (SANDBOX_TWILIO_FROM_NUMBER,)  # the account's numbers
    messaging_service_sid: str = SANDBOX_MESSAGING_SERVICE_SID
    auto_callbacks: bool = False      # post status callbacks from a background thread
    advanced_opt_out: bool = False    # add OptOutType to inbound keyword messages
    inbound_via_messaging_service: bool = False  # inbound carries MessagingServiceSid
    # Deliver requests for a public URL prefix to a loopback one, still signing the public URL
    # (our server behind a TLS proxy): {"https://pc.example.com": "http://127.0.0.1:8000"}.
    routes: dict[str, str] = field(default_factory=dict)
    clock: Callable[[], float] = field(default=time.time, repr=False)

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


def _error_response(error: TwilioError) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'} if error.status == 401 else {}
    return json_response(error.body(), error.status, headers)


class TwilioSandbox(TwilioControl):
    account_sid = SANDBOX_TWILIO_ACCOUNT_SID
    auth_token = SANDBOX_TWILIO_AUTH_TOKEN

    def __init__(self, **options: Any):
        self._initial_options = options
        TwilioOptions(**options)  # unknown option names fail here, at construction
        self._sender = BackgroundSender("twilio-callbacks")
        self.reset()

    def reset(self) -> None:
        """Back to the initial options; drops messages, opt-outs, logs and queued callbacks."""
        self._sender.close()
        self._sender = BackgroundSender("twilio-callbacks")
        self.options = TwilioOptions(**self._initial_options)
        self.store = messages.MessageStore(self.account_sid, self.options.clock)
        self.log = RequestLog()
        self._pending: list[tuple[str, str, str, int | None]] = []  # callbacks not yet posted
        self.callback_log: list[dict[str, Any]] = []

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_control/"):
            return self.control(request)
        try:
            response = self._serve(request)
        except TwilioError as error:
            response = _error_response(error)
        self.log.record(request, response)
        return response

    def _serve(self, request: Request) -> Response:
        self._authenticate(request)
        if (match := _MESSAGES.match(request.path)) and request.method == "POST":
            self._own_account(match["account"], request)
            message = self._create(request.form())
            return json_response(message, 201)
        if (match := _MESSAGE.match(request.path)) and request.method == "GET":
            self._own_account(match["account"], request)
            message = self.store.get(match["sid"])
            if message is None:
                raise _not_found(request)
            return json_response(message)
        raise _not_found(request)

    def _authenticate(self, request: Request) -> None:
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        header = request.headers.get("authorization", "")
        if header != "Basic " + base64.b64encode(expected).decode("ascii"):
            raise TwilioError(20003, "Authenticate", status=401)

    def _own_account(self, account_sid: str, request: Request) -> None:
        if account_sid != self.account_sid:
            raise _not_found(request)

    def _create(self, params: dict[str, str]) -> dict[str, Any]:
        """Validate like Twilio, record the message and plan its status callbacks."""
        request = messages.check_create(params, self.options, self.store)
        message, outcome = self.store.create(request)
        if request.status_callback:
            self.plan_callbacks(message["sid"], request.status_callback, outcome)
        return message


def _not_found(request: Request) -> TwilioError:
    return TwilioError(20404, f"The requested resource {request.path} was not found", 404)
