"""The GHL sandbox's control API: Python methods, and the same over HTTP at
``/ghl/_control/...``.

Staff changes (create/update/delete contacts and opportunities) go through the same store as
API calls and fire the webhook events GHL would (one change may fire several) to the
registered URL, synchronously, so a test knows what its server answered. ``send_webhook``
sends any event, signed as asked.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sandbox.credentials import SANDBOX_GHL_PIPELINE_ID
from sandbox.ghl import webhooks
from sandbox.ghl.keys import ED25519_PUBLIC_KEY_PEM, RSA_PUBLIC_KEY_PEM
from sandbox.ghl.store import GHLError
from sandbox.ghl.validation import validate
from sandbox.http import Request, Response, json_response
from sandbox.support import DeliveryError, check_option_types


def _check_staff_fields(schema: str, fields: dict[str, Any]) -> None:
    """Staff edit through GHL's UI, which never stores a field GHL does not know."""
    errors = validate(schema, fields)
    if errors:
        raise GHLError(422, errors)


@dataclass
class Change:
    """What a staff change did: the record after it, the events and their deliveries."""

    record: dict[str, Any]
    events: list[str]
    deliveries: list[dict[str, Any]] = field(default_factory=list)


class GHLControl:
    # Provided by GHLSandbox: options, state, limiter, log, deliveries, _sender, reset().

    def configure(self, **options: Any) -> None:
        """Change options until the next ``reset()`` (see ``GHLOptions``)."""
        unknown = set(options) - self.options.names() - {"clock"}
        if unknown or {"contacts", "opportunities", "clock"} & set(options):
            raise ValueError(f"cannot configure {sorted(options)} at run time; "
                             f"known: {sorted(self.options.names())}")
        check_option_types(type(self.options)(), options, nullable={"webhook_url": str,
                                                                 "provider_url": str})
        if options.get("webhook_signature", "both") not in webhooks.SIGNATURE_MODES:
            raise ValueError(f"webhook_signature must be one of {webhooks.SIGNATURE_MODES}")
        previous, self.options = self.options, replace(self.options, **options)
        if {"rate_limit_max", "rate_limit_interval_ms", "daily_limit"} & set(options):
            try:
                self.limiter = self._new_limiter()
            except ValueError:
                self.options = previous  # all or nothing
                raise

    def register_webhook(self, url: str | None, signature: str = "both") -> None:
        self.configure(webhook_url=url, webhook_signature=signature)

    def requests(self) -> list[dict[str, Any]]:
        """Every API request received since the last reset (see ``RequestLog``)."""
        return self.log.entries()

    def wait_for_webhooks(self, timeout: float = 30.0) -> bool:
        """Wait until queued webhooks for API changes have been delivered."""
        return self._sender.wait_idle(timeout)

    # --- staff changes ----------------------------------------------------------------------
    def create_contact(self, notify: bool = True, **fields: Any) -> Change:
        _check_staff_fields("UpdateContactDto", fields)
        return self._change("contact", lambda: self.state.create_contact(fields), notify)

    def update_contact(self, contact_id: str, notify: bool = True, **fields: Any) -> Change:
        _check_staff_fields("UpdateContactDto", fields)
        return self._change("contact", lambda: self.state.update_contact(contact_id, fields),
                            notify)

    def delete_contact(self, contact_id: str, notify: bool = True) -> Change:
        return self._change("contact", lambda: self.state.delete_contact(contact_id), notify)

    def create_opportunity(self, notify: bool = True, **fields: Any) -> Change:
        if not isinstance(fields.get("contactId"), str) or not fields.get("name"):
            raise GHLError(422, ["contactId and name are required"])
        _check_staff_fields("UpdateOpportunityDto",
                            {k: v for k, v in fields.items() if k != "contactId"})
        fields = {"pipelineId": SANDBOX_GHL_PIPELINE_ID, "status": "open", **fields}
        return self._change("opportunity", lambda: self.state.create_opportunity(fields), notify)

    def update_opportunity(self, opportunity_id: str, notify: bool = True,
                           **fields: Any) -> Change:
        _check_staff_fields("UpdateOpportunityDto", fields)
        return self._change(
            "opportunity", lambda: self.state.update_opportunity(opportunity_id, fields), notify)

    def delete_opportunity(self, opportunity_id: str, notify: bool = True) -> Change:
        return self._change(
            "opportunity", lambda: self.state.delete_opportunity(opportunity_id), notify)

    def _change(self, kind: str, apply, notify: bool) -> Change:
        with self.state.lock:
            record, events = apply()
            record = (self.state.render_opportunity(record) if kind == "opportunity"
                      else copy.deepcopy(record))
        change = Change(record, events)
        if notify and self.options.webhook_url:
            change.deliveries = self._notify(events, record, kind)
        return change

    def _notify(self, events: list[str], record: dict[str, Any],
                kind: str) -> list[dict[str, Any]]:
        results = []
        for event_type in events:
            payload = (webhooks.contact_payload(record, event_type) if kind == "contact"
                       else webhooks.opportunity_payload(record))
            results.append(self._send(self.options.webhook_url, event_type, payload,
                                      self.options.webhook_signature, None, None))
        return results

    # --- any webhook ------------------------------------------------------------------------
    def send_webhook(self, url: str, event_type: str, payload: dict[str, Any],
                     signature: str = "ed25519", timestamp: datetime | None = None,
                     webhook_id: str | None = None) -> int:
        """POST one event to ``url`` the way GHL does; returns the status it answered.

        Raises ``DeliveryError`` when nothing answered at ``url``.
        """
        result = self._send(url, event_type, payload, signature, timestamp, webhook_id)
        if "error" in result:
            raise DeliveryError(result["error"])
        return result["status"]

    def _send(self, url: str, event_type: str, payload: dict[str, Any], signature: str,
              timestamp: datetime | None, webhook_id: str | None) -> dict[str, Any]:
        body = webhooks.event_body(event_type, payload, timestamp or self.state.now(),
                                   webhook_id)
        result: dict[str, Any] = {"type": event_type, "url": url, "body": body.decode("utf-8")}
        try:
            result["status"] = webhooks.deliver(url, body, signature).status
        except DeliveryError as exc:
            result["error"] = str(exc)
        self.deliveries.append(result)
        return result

    # --- conversations: a rep answering in GHL ---------------------------------------------
    def rep_replies(self, contact_id: str, message: str, user_id: str | None = None,
                    signature: str = "ed25519") -> dict[str, Any]:
        """A rep types ``message`` to the contact in GHL: the message is added (``pending``)
        and the provider webhook posted to ``provider_url``; returns ``{message, status,
        answer}`` (``status``: what our endpoint answered)."""
        from sandbox.ghl.conversations import rep_message

        if not self.options.provider_url:
            raise ValueError("set the provider_url option first")
        added, payload = rep_message(self, contact_id, message, user_id)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        delivery = webhooks.deliver(self.options.provider_url, body, signature)
        self.deliveries.append({"type": "ProviderOutboundMessage",
                                "url": self.options.provider_url, "body": body.decode(),
                                "status": delivery.status})
        return {"message": added, "status": delivery.status, "answer": delivery.text()}

    def conversation_messages(self, contact_id: str) -> list[dict[str, Any]]:
        """The contact's conversation, oldest message first."""
        with self.state.lock:
            return [copy.deepcopy(m) for m in self.state.messages.values()
                    if m["contactId"] == contact_id]

    # --- the same over HTTP -----------------------------------------------------------------
    def control(self, request: Request) -> Response:
        try:
            body = request.json() if request.body else {}
            if not isinstance(body or {}, dict):
                raise ValueError("the control request body must be a JSON object")
            return self._control(request.method, request.path[len("/_control"):], body or {})
        except (GHLError, ValueError, TypeError, KeyError) as exc:
            status = exc.status if isinstance(exc, GHLError) else 400
            return json_response({"error": str(exc)}, status=status)
        except DeliveryError as exc:
            return json_response({"error": str(exc)}, status=502)

    def _control(self, method: str, path: str, body: dict[str, Any]) -> Response:
        entity = re.fullmatch(r"/(contacts|opportunities)(?:/([^/]+))?", path)
        if entity:
            return self._control_entity(method, entity.group(1), entity.group(2), body)
        simple = {
            ("POST", "/reset"): lambda: self.reset() or {"reset": True},
            ("POST", "/options"): lambda: self.configure(**body) or {"configured": sorted(body)},
            ("POST", "/webhooks"): lambda: self.register_webhook(
                body["url"], body.get("signature", "both")) or {"registered": body["url"]},
            ("GET", "/requests"): lambda: {"requests": self.requests()},
            ("DELETE", "/requests"): lambda: self.log.clear() or {"cleared": True},
            ("GET", "/deliveries"): lambda: {"deliveries": list(self.deliveries)},
            ("GET", "/keys"): lambda: {"ed25519": ED25519_PUBLIC_KEY_PEM,
                                       "rsa": RSA_PUBLIC_KEY_PEM},
            ("POST", "/rep-reply"): lambda: self.rep_replies(
                body["contactId"], body["message"], body.get("userId"),
                body.get("signature", "ed25519")),
            ("GET", "/conversation-messages"): lambda: {"messages": self.conversation_messages(
                body["contactId"])},
            ("POST", "/send-webhook"): lambda: {"status": self.send_webhook(
                body["url"], body["type"], body.get("payload") or {},
                body.get("signature", "ed25519"),
                datetime.fromisoformat(body["timestamp"]) if body.get("timestamp") else None,
                body.get("webhookId"))},
        }
        action = simple.get((method, path))
        if action is None:
            return json_response({"error": f"unknown control endpoint {method} {path}"}, 404)
        return json_response(action())

    def _control_entity(self, method: str, kind: str, record_id: str | None,
                        body: dict[str, Any]) -> Response:
        singular = "contact" if kind == "contacts" else "opportunity"
        notify = body.pop("notify", True)
        if method == "POST" and record_id is None:
            change, status = getattr(self, f"create_{singular}")(notify, **body), 201
        elif method == "PUT" and record_id:
            change, status = getattr(self, f"update_{singular}")(record_id, notify, **body), 200
        elif method == "DELETE" and record_id:
            change, status = getattr(self, f"delete_{singular}")(record_id, notify), 200
        else:
            return json_response({"error": f"unknown control endpoint {method} /{kind}"}, 404)
        return json_response({"record": change.record, "events": change.events,
                              "deliveries": change.deliveries}, status)
