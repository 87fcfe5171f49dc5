"""The Twilio sandbox's control API: Python methods, and the same over HTTP at
``/twilio/_control/...``.

Everything the sandbox posts to our webhooks is signed exactly as Twilio signs
(``signing.py``) over the URL Twilio believes it calls: the URL given, or ``public_url``, or
the public side of a configured route (``TwilioOptions.routes``) while the request itself goes
to loopback.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from sandbox.http import Request, Response, json_response
from sandbox.support import Delivery, DeliveryError, check_option_types, post
from sandbox.twilio.messages import API_VERSION
from sandbox.twilio.segments import segment_count
from sandbox.twilio.signing import twilio_signature

OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                              "REVOKE", "OPTOUT"})
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})
# Made-up but plausible geo fields for inbound messages (Twilio sends them for US numbers).
GEO = {"FromCity": "ORLANDO", "FromState": "FL", "FromZip": "32801", "FromCountry": "US",
       "ToCity": "ORLANDO", "ToState": "FL", "ToZip": "32801", "ToCountry": "US"}


class UnknownControl(LookupError):
    pass


class TwilioControl:
    # Provided by TwilioSandbox: account_sid, auth_token, options, store, log, _sender, reset().

    def configure(self, **options: Any) -> None:
        """Change options until the next ``reset()`` (see ``TwilioOptions``)."""
        refused = (set(options) - self.options.names()) | ({"clock"} & set(options))
        if refused:
            raise ValueError(f"cannot configure {sorted(refused)} at run time; "
                             f"known: {sorted(self.options.names() - {'clock'})}")
        check_option_types(type(self.options)(), options)
        routes = options.get("routes", {})
        if not all(isinstance(x, str) for pair in routes.items() for x in pair):
            raise ValueError("routes must map public URL prefixes to loopback URL prefixes")
        for name, value in options.items():
            setattr(self.options, name, tuple(value) if name == "from_numbers" else value)

    def messages(self) -> list[dict[str, Any]]:
        """The messages sent through the sandbox, oldest first (Twilio's resource shape)."""
        return self.store.all()

    def inbound_messages(self) -> list[dict[str, str]]:
        return self.store.inbound()

    def opted_out(self) -> list[str]:
        return self.store.opted_out()

    def requests(self) -> list[dict[str, Any]]:
        return self.log.entries()

    # --- posting to our webhooks -------------------------------------------------------------
    def send_inbound(self, url: str, from_: str, to: str, body: str,
                     public_url: str | None = None, **extra_params: str) -> Delivery:
        """A customer texts ``body`` from ``from_`` to our number ``to``: Twilio's inbound
        webhook. STOP-type keywords opt ``from_`` out (START-type opt it back in) before the
        webhook is posted, as Twilio does whatever our server answers."""
        sid = self.store.new_sid("SM")
        params = {**GEO, "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid,
                  "AccountSid": self.account_sid, "From": from_, "To": to, "Body": body,
                  "NumMedia": "0", "NumSegments": str(segment_count(body)),
                  "SmsStatus": "received", "ApiVersion": API_VERSION}
        if self.options.inbound_via_messaging_service:
            params["MessagingServiceSid"] = self.options.messaging_service_sid
        keyword = self._apply_keyword(from_, body)
        if keyword and self.options.advanced_opt_out:
            params["OptOutType"] = keyword
        params.update(extra_params)
        self.store.add_inbound(params)
        return self.post_signed(url, params, public_url)

    def _apply_keyword(self, number: str, body: str) -> str | None:
        word = body.strip().upper()
        if word in OPT_OUT_KEYWORDS:
            self.store.set_opted_out(number, True)
            return "STOP"
        if word in OPT_IN_KEYWORDS:
            self.store.set_opted_out(number, False)
            return "START"
        return "HELP" if word in HELP_KEYWORDS else None

    def send_status(self, url: str, message_sid: str, status: str,
                    error_code: int | None = None, public_url: str | None = None,
                    **extra_params: str) -> Delivery:
        """A status callback for ``message_sid`` (its status in the store follows)."""
        sender = self.options.from_numbers[0] if self.options.from_numbers else None
        message = self.store.set_status(message_sid, status, error_code, sender)
        params = {"MessageSid": message_sid, "SmsSid": message_sid, "MessageStatus": status,
                  "SmsStatus": status, "AccountSid": self.account_sid, "ApiVersion": API_VERSION}
        if message is not None:
            params.update(To=message["to"], From=message["from"] or "")
            if message["messaging_service_sid"]:
                params["MessagingServiceSid"] = message["messaging_service_sid"]
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        params.update(extra_params)
        return self.post_signed(url, params, public_url)

    def post_signed(self, url: str, params: dict[str, str],
                    public_url: str | None = None) -> Delivery:
        """POST form ``params`` signed for ``public_url`` (default: ``url`` itself, or the
        public side of a route), delivered to ``url`` (or the loopback side of a route)."""
        target = url if public_url else self._routed(url)
        signature = twilio_signature(self.auth_token, public_url or url, params)
        headers = {"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1",
                   "Content-Type": "application/x-www-form-urlencoded",
                   "I-Twilio-Idempotency-Token": str(uuid.uuid4())}
        return post(target, urlencode(params).encode("utf-8"), headers)

    def _routed(self, url: str) -> str:
        for public, actual in self.options.routes.items():
            if url.startswith(public):
                return actual + url[len(public):]
        return url

    # --- status callbacks after a create -------------------------------------------------------
    def plan_callbacks(self, sid: str, url: str, outcome: list[tuple[str, int | None]]) -> None:
        """Queue the callbacks of one message, in order; posted now in the background when
        ``auto_callbacks`` is on, else when ``flush_callbacks()`` is called."""
        steps = [(sid, url, status, code) for status, code in outcome]
        if self.options.auto_callbacks:
            self._sender.submit(lambda: [self._callback(*step) for step in steps])
        else:
            self._pending.extend(steps)

    def flush_callbacks(self) -> list[dict[str, Any]]:
        """Post every queued status callback now, in order; returns what each got back."""
        steps, self._pending = self._pending, []
        return [self._callback(*step) for step in steps]

    def wait_for_callbacks(self, timeout: float = 30.0) -> bool:
        """With ``auto_callbacks``: wait until the background thread has posted them all."""
        return self._sender.wait_idle(timeout)

    def _callback(self, sid: str, url: str, status: str, code: int | None) -> dict[str, Any]:
        result: dict[str, Any] = {"sid": sid, "status": status, "error_code": code, "url": url}
        try:
            result["http_status"] = self.send_status(url, sid, status, code).status
        except DeliveryError as exc:
            result["error"] = str(exc)
        self.callback_log.append(result)
        return result

    # --- the same over HTTP ------------------------------------------------------------------
    def control(self, request: Request) -> Response:
        try:
            body = request.json() if request.body else {}
            if not isinstance(body or {}, dict):
                raise ValueError("the control request body must be a JSON object")
            return json_response(self._control(request.method, request.path[9:], body or {}))
        except UnknownControl as exc:
            return json_response({"error": str(exc)}, 404)
        except (ValueError, TypeError, KeyError) as exc:
            return json_response({"error": f"bad control request: {exc!r}"}, 400)
        except DeliveryError as exc:
            return json_response({"error": str(exc)}, 502)

    def _control(self, method: str, path: str, body: dict[str, Any]) -> Any:
        def delivered(delivery: Delivery) -> dict[str, Any]:
            return {"status": delivery.status, "body": delivery.text()}
        actions = {
            ("POST", "/reset"): lambda: self.reset() or {"reset": True},
            ("POST", "/options"): lambda: self.configure(**body) or {"configured": sorted(body)},
            ("GET", "/messages"): lambda: {"messages": self.messages()},
            ("GET", "/inbound"): lambda: {"messages": self.inbound_messages()},
            ("GET", "/opt-outs"): lambda: {"numbers": self.opted_out()},
            ("GET", "/requests"): lambda: {"requests": self.requests()},
            ("GET", "/callbacks"): lambda: {"callbacks": list(self.callback_log)},
            ("POST", "/flush-callbacks"): lambda: {"callbacks": self.flush_callbacks()},
            ("POST", "/inbound"): lambda: delivered(self.send_inbound(
                body["url"], body["from"], body["to"], body["body"], body.get("public_url"),
                **body.get("params", {}))),
            ("POST", "/status"): lambda: delivered(self.send_status(
                body["url"], body["message_sid"], body["status"], body.get("error_code"),
                body.get("public_url"), **body.get("params", {}))),
        }
        if (method, path) not in actions:
            raise UnknownControl(f"unknown control endpoint {method} {path}")
        return actions[(method, path)]()
