"""Nodes that act on the world: HTTP Request becomes ``http_request``, Twilio ``send_sms``,
Send Email and Gmail ``notify_staff``. None carries credentials over: a request that used
them is reported, and headers, query parameters and body fields that look like secrets are
left out (by name, never shown by value)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from config.logs import mask
from workflows.n8n.expressions import Prefix, reference
from workflows.n8n.graph import Node
from workflows.n8n.nodes.base import Context, Outcome, Status, listed, unsupported
from workflows.steps.http_request import METHODS

_SECRET_NAME = re.compile(r"(?i)auth|token|secret|passw|api.?key|^key$|(?<!idempotency)[-_]key$"
                          r"|credential|cookie|signature|session|private")
_SECRET_VALUE = re.compile(r"(?i)^\s*(bearer|basic|token)\s")
STAFF_GROUP = "Manager"
# What the Twilio trigger's data is here: the sms.received event's payload.
INBOUND_TEXT = Prefix("entity", rename={"Body": "body", "From": "phone", "To": "to"},
                      only_renamed=True)

# --- HTTP Request -------------------------------------------------------------------------


def http_v1(node: Node, ctx: Context) -> Outcome:
    """HTTP Request v1–v2: ``requestMethod``, ``…ParametersUi`` or ``…ParametersJson``."""
    json_mode = ctx.param("jsonParameters") is True
    query = _json_pairs(ctx, "queryParametersJson") if json_mode else \
        _pairs(ctx.mapping("queryParametersUi"), "parameter")
    headers = {**_dict_pairs(ctx.param("headers")),  # hand-written exports put them here
               **_dict_pairs(ctx.mapping("options").get("headers")),
               **dict(_json_pairs(ctx, "headerParametersJson") if json_mode else
                      _pairs(ctx.mapping("headerParametersUi"), "parameter"))}
    notes = []
    if json_mode:
        body = _json_body(ctx, ctx.param("bodyParametersJson"), notes)
    else:
        body = _translated(ctx, _pairs(ctx.mapping("bodyParametersUi"), "parameter"))
    content = ctx.mapping("options").get("bodyContentType")
    if content not in (None, "json"):
        notes.append(f"n8n sent the body as {content}; here it goes as JSON")
    if ctx.param("sendBinaryData") is True:
        notes.append("the binary data n8n sent is not carried over")
    if ctx.param("responseFormat", "json") != "json":
        notes.append(f"n8n read the response as {ctx.param('responseFormat')}")
    full = ctx.mapping("options").get("fullResponse") is True
    return _http(ctx, Request(ctx.param("requestMethod", "GET"), ctx.param("url", ""), query,
                              headers, body, ctx.mapping("options").get("timeout"),
                              ctx.param("authentication", "none"), full), notes)


def http_v3(node: Node, ctx: Context) -> Outcome:
    """HTTP Request v3–v4.x: ``method``, ``sendQuery``/``sendHeaders``/``sendBody`` with key
    pairs or JSON."""
    notes: list[str] = []
    query, headers, body = [], {}, None
    if ctx.param("sendQuery") is True:
        query = _json_pairs(ctx, "jsonQuery") if ctx.param("specifyQuery") == "json" else \
            _pairs(ctx.mapping("queryParameters"), "parameters")
    if ctx.param("sendHeaders") is True:
        headers = dict(_json_pairs(ctx, "jsonHeaders") if ctx.param("specifyHeaders") == "json"
                       else _pairs(ctx.mapping("headerParameters"), "parameters"))
    if ctx.param("sendBody") is True:
        body = _v3_body(ctx, notes)
    options = ctx.mapping("options")
    response = options.get("response") if isinstance(options.get("response"), Mapping) else {}
    response = response.get("response") if isinstance(response.get("response"), Mapping) \
        else {}
    if response.get("neverError") is True:
        notes.append("n8n carried on after an error status; here a 4xx fails the step (5xx "
                     "is retried)")
    return _http(ctx, Request(ctx.param("method", "GET"), ctx.param("url", ""), query, headers,
                              body, options.get("timeout"), ctx.param("authentication", "none"),
                              response.get("fullResponse") is True), notes)


def _v3_body(ctx: Context, notes: list[str]) -> Any:
    content = ctx.param("contentType", "json")
    if content in ("binaryData", "raw"):
        notes.append(f"the {content} body n8n sent is not carried over")
        return None
    if content != "json":
        notes.append(f"n8n sent the body as {content}; here it goes as JSON")
    if ctx.param("specifyBody", "keypair") == "json":
        return _json_body(ctx, ctx.param("jsonBody", ""), notes)
    return _translated(ctx, _pairs(ctx.mapping("bodyParameters"), "parameters"))


class Request:
    def __init__(self, method: Any, url: Any, query: list[tuple[str, Any]] | dict,
                 headers: dict[str, Any], body: Any, timeout: Any, auth: Any,
                 full_response: bool):
        self.method, self.url, self.headers, self.body = method, url, headers, body
        self.query = list(query.items()) if isinstance(query, dict) else query
        self.timeout, self.auth, self.full_response = timeout, auth, full_response


def _http(ctx: Context, request: Request, notes: list[str]) -> Outcome:
    t = ctx.translator
    url = t.text(request.url).strip()
    if not url:
        return unsupported("no URL to call")
    url = _without_credentials(url, notes)
    if "{" not in url and urlsplit(url).scheme not in ("http", "https"):
        return unsupported(f"{url[:100]!r} is not an http(s) URL")
    for name, value in request.query:
        if _secret(name, value):
            notes.append(f"query parameter {name!r} not carried over (a credential)")
        else:
            url += ("&" if "?" in url else "?") + f"{quote(name)}={_query_value(t, value)}"
    method = str(request.method).upper()
    if method not in METHODS:
        notes.append(f"n8n's method {method} is not offered here: GET instead")
        method = "GET"
    step: dict[str, Any] = {"id": ctx.step_id(), "type": "http_request", "label": ctx.label(),
                            "method": method, "url": url}
    headers = {}
    for name, value in request.headers.items():
        if _secret(name, value):
            notes.append(f"header {name!r} not carried over (a credential): add it as "
                         f"{{{{ secrets.NAME }}}}, NAME a file in WORKFLOW_HTTP_SECRETS_DIR")
        else:
            headers[name] = t.text(value)
    if headers:
        step["headers"] = headers
    if request.body is not None:
        step["body"] = _without_secrets(request.body, notes)
    if request.timeout is not None:
        step["timeout"] = _timeout(request.timeout, notes)
    if request.auth not in (None, "none") or ctx.node.credentials:
        kinds = ", ".join(ctx.node.credentials) or str(request.auth)
        notes.append(f"its credentials ({kinds}) are not carried over: add the authentication "
                     f"header as {{{{ secrets.NAME }}}} (a file in WORKFLOW_HTTP_SECRETS_DIR); "
                     f"nothing secret was imported")
    base = f"steps.{step['id']}"
    scope = Prefix(base, rename={"statusCode": "status", "body": "response"},
                   only_renamed=True) if request.full_response else Prefix(f"{base}.response")
    shown_url = urlsplit(url)._replace(query="").geturl()
    return Outcome(Status.APPROXIMATED if notes else Status.CONVERTED,
                   f"http_request step {step['id']!r}: {method} {shown_url}", [step],
                   scope=scope, notes=notes)


def _translated(ctx: Context, pairs: list[tuple[str, Any]]) -> dict[str, Any] | None:
    return {name: ctx.translator.value(value) for name, value in pairs} or None


def _without_secrets(body: Any, notes: list[str]) -> Any:
    """``body`` (translated) without the top-level fields that look like credentials."""
    if not isinstance(body, dict):
        return body
    kept = {}
    for name, value in body.items():
        if _secret(name, value):
            notes.append(f"body field {name!r} not carried over (a credential)")
        else:
            kept[name] = value
    return kept


def _json_body(ctx: Context, text: Any, notes: list[str]) -> Any:
    ok, value = ctx.translator.json(text)
    if not ok:
        notes.append("the JSON body did not parse: it is left for a rewrite")
        return ctx.translator.mark(str(text))
    return value


def _pairs(collection: Mapping[str, Any], key: str) -> list[tuple[str, Any]]:
    return [(str(item.get("name", "")), item.get("value", "")) for item in listed(collection, key)
            if str(item.get("name", "")).strip()]


def _dict_pairs(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _json_pairs(ctx: Context, name: str) -> list[tuple[str, Any]]:
    """Pairs given as JSON, as n8n wrote them (translated where they are used)."""
    ok, value = ctx.translator.json(ctx.param(name, "") or "{}", raw=True)
    return list(value.items()) if ok and isinstance(value, dict) else []


def _secret(name: str, value: Any) -> bool:
    return bool(_SECRET_NAME.search(name)) or (isinstance(value, str)
                                               and bool(_SECRET_VALUE.match(value)))


def _without_credentials(url: str, notes: list[str]) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    notes.append("the user name and password in the URL are not carried over")
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _query_value(t: Any, value: Any) -> str:
    text = t.text(value)
    return text if "{{" in text or "{#" in text else quote(text, safe="")


def _timeout(milliseconds: Any, notes: list[str]) -> int:
    try:
        seconds = math.ceil(float(milliseconds) / 1000)
    except (TypeError, ValueError, OverflowError):
        seconds = 10
    if seconds > 60:
        notes.append(f"n8n waited up to {seconds}s for an answer; a step waits 60s at most")
    return min(max(seconds, 1), 60)


# --- Twilio -------------------------------------------------------------------------------


def twilio(node: Node, ctx: Context) -> Outcome:
    """Twilio v1: an SMS (or WhatsApp) message. The recipient is always the customer of the
    instance's record, texted under our rules; n8n's ``to`` and ``from`` do not carry over."""
    if ctx.param("resource", "sms") == "call":
        return unsupported("places a phone call: no native counterpart (texts only)",
                           str(ctx.param("message", "")))
    if not str(ctx.param("operation", "send")).startswith("send"):
        return unsupported(f"Twilio operation {ctx.param('operation')!r}: only sending a "
                           f"text carries over")
    t = ctx.translator
    notes = [f"texts the customer of the instance's record on their mobile, under our rules "
             f"(opt-outs, do-not-text, quiet hours, pacing) as marketing; n8n texted "
             f"{_recipient(ctx.param('to', ''))}"]
    if _answers_sender(ctx):
        notes = []  # it answered whoever texted in: the same person
    if ctx.param("toWhatsapp") is True:
        notes.append("n8n sent a WhatsApp message; this sends an SMS")
    body = t.text(ctx.param("message", ""))
    if ctx.param("messagingType") == "template" or ctx.param("contentSid"):
        body = t.mark(f"the WhatsApp template {ctx.param('contentSid', '')} must be written "
                      f"out as the text")
    elif not body.strip():
        body = t.mark("the Twilio node has no message text")
    step = {"id": ctx.step_id(), "type": "send_sms", "label": ctx.label(),
            "purpose": "marketing", "body": body}
    scope = Prefix(f"steps.{step['id']}", rename={"sid": "sid", "status": "status",
                                                  "to": "phone"}, only_renamed=True)
    return Outcome(Status.APPROXIMATED if notes else Status.CONVERTED,
                   f"send_sms step {step['id']!r}", [step], scope=scope, notes=notes)


def _answers_sender(ctx: Context) -> bool:
    """Whether n8n texted back the number an inbound text came from (the Twilio trigger's
    ``From``), who is the customer a send_sms step texts."""
    body = ctx.param("to", "")
    ref = reference(body.removeprefix("=").strip().removeprefix("{{").removesuffix("}}")) \
        if isinstance(body, str) else None
    scope = ctx.scope if ref is None or ref.node is None else ctx.scopes.get(ref.node)
    return ref is not None and scope is INBOUND_TEXT and ref.keys == ["From"]


def _recipient(to: Any) -> str:
    text = str(to).removeprefix("=").strip()
    return mask(text)[:120] if text else "nobody (no number given)"


# --- email --------------------------------------------------------------------------------


def email_send(node: Node, ctx: Context) -> Outcome:
    """Send Email v1–v2.x: ``toEmail``, ``subject``, ``text`` and/or ``html``."""
    if ctx.param("operation", "send") != "send":
        return unsupported(f"Send Email {ctx.param('operation')!r}: only sending carries over")
    html = ctx.param("html", "")
    text = ctx.param("text", "")
    return _notify(ctx, ctx.param("toEmail", ""), ctx.param("subject", ""), text or html,
                   bool(html) and not text)


def gmail(node: Node, ctx: Context, html_default: bool = False) -> Outcome:
    """Gmail v1 (``toList``) and v2.x (``sendTo``, ``emailType``): sending a message."""
    resource, operation = ctx.param("resource", "message"), ctx.param("operation", "send")
    if (resource, operation) != ("message", "send"):
        return unsupported(f"Gmail {resource} {operation}: only sending a message carries "
                           f"over")
    to = ctx.param("sendTo", ctx.param("toList", ""))
    to = ", ".join(str(x) for x in to) if isinstance(to, list) else to
    html = ctx.param("emailType", "html" if html_default else "text") == "html"
    return _notify(ctx, to, ctx.param("subject", ""), ctx.param("message", ""), html)


gmail_v2 = partial(gmail, html_default=True)


def _notify(ctx: Context, to: Any, subject: Any, body: Any, html: bool) -> Outcome:
    t = ctx.translator
    notes = []
    addresses, others = _addresses(to)
    step: dict[str, Any] = {"id": ctx.step_id(), "type": "notify_staff", "label": ctx.label()}
    if others or not addresses:
        sent_to = mask(str(to).removeprefix("=").strip())[:120] or "nobody"
        notes.append(f"notify_staff emails staff: n8n sent to {sent_to}"
                     f"{'' if addresses else f'; here the {STAFF_GROUP} group'}")
    if addresses:
        step["to"] = addresses
    else:
        step["groups"] = [STAFF_GROUP]
    step["subject"] = t.text(subject).strip() or ctx.node.name
    step["body"] = t.text(body).strip()
    if not step["body"]:
        step["body"] = step["subject"]
        notes.append("the n8n node had no text: the subject is the body")
    if html:
        notes.append("n8n sent HTML; this sends its source as plain text")
    return Outcome(Status.APPROXIMATED if notes else Status.CONVERTED,
                   f"notify_staff step {step['id']!r}", [step], scope=None, notes=notes)


def _addresses(to: Any) -> tuple[list[str], list[str]]:
    """The plain email addresses in ``to``, and whatever else it holds (expressions)."""
    text = str(to or "")
    if "{{" in text:
        return [], [text]
    text = text.removeprefix("=")
    addresses, others = [], []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        try:
            validate_email(part)
        except ValidationError:
            others.append(part)
        else:
            addresses.append(part)
    return addresses, others
