"""Reading a Twilio webhook request: form parameters, strictly parsed, and only when
``X-Twilio-Signature`` is valid.

The signature is checked with twilio-python's ``RequestValidator`` against
``settings.PUBLIC_BASE_URL`` + the path and query Django saw — the URL Twilio called, even
when a TLS-terminating proxy hands us plain http on another host and port. The validator
accepts the URL with and without the scheme's default port (Twilio has signed both ways).

While the auth token is rotated (README, "Rotating the Twilio auth token") a request signed
with ``TWILIO_AUTH_TOKEN_PREVIOUS`` is genuine too, so no text is refused between the new
token reaching our settings and Twilio signing with it; each such request is logged, so the
old token can be removed once none arrive.

``WebhookRejected`` carries the HTTP status and a reason for each refusal: 415 not a form
post, 413 too big, 400 not UTF-8 / a parameter given twice / too many, 403 no or a wrong
signature. Nothing is stored before this passes.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest
from twilio.request_validator import RequestValidator, compare

log = logging.getLogger(__name__)
MAX_BYTES = 64 * 1024      # an inbound text is at most 1,600 characters plus metadata
MAX_FIELDS = 200


class WebhookRejected(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def verified_params(request: HttpRequest) -> dict[str, str]:
    """The POSTed parameters of a genuine Twilio request, or ``WebhookRejected``."""
    content_type = request.content_type or ""
    if content_type != "application/x-www-form-urlencoded":
        raise WebhookRejected(415, f"expected application/x-www-form-urlencoded, not "
                                   f"{content_type or 'no content type'}")
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_BYTES:
        raise WebhookRejected(413, f"the body must be at most {MAX_BYTES} bytes")
    params = parse_form(request.body)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        raise WebhookRejected(403, "missing X-Twilio-Signature")
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    current, previous = settings.TWILIO.auth_token, settings.TWILIO.previous_auth_token
    if _valid(RequestValidator(current), url, params, signature):
        return params
    if previous and _valid(RequestValidator(previous), url, params, signature):
        log.warning("Twilio request to %s signed with TWILIO_AUTH_TOKEN_PREVIOUS: accepted; "
                    "remove that setting once Twilio signs with the new token", request.path)
        return params
    raise WebhookRejected(403, "invalid X-Twilio-Signature")


def _valid(validator: RequestValidator, url: str, params: dict[str, str],
           signature: str) -> bool:
    """The URL as given first (one HMAC: the usual case), then ``validate``, which tries it
    with and without the scheme's default port."""
    form = _Form(params)
    return (compare(validator.compute_signature(url, form), signature)
            or validator.validate(url, form, signature))


class _Form(dict):
    """The parameters as the validator reads them fastest: it asks for each value with
    ``getall`` (a MultiDict's), and with a plain dict fails twice per name before indexing."""

    def getall(self, name: str) -> list[str]:
        return [self[name]]


def parse_form(body: bytes) -> dict[str, str]:
    """``application/x-www-form-urlencoded`` bytes to a dict, refusing anything Twilio would
    not send: bytes outside ASCII, percent-escapes that are not UTF-8, repeated names."""
    if len(body) > MAX_BYTES:
        raise WebhookRejected(413, f"the body must be at most {MAX_BYTES} bytes")
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8",
                          errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise WebhookRejected(400, "the body is not UTF-8 form data") from None
    except ValueError:
        raise WebhookRejected(400, f"more than {MAX_FIELDS} parameters") from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise WebhookRejected(400, f"parameter {name[:40]!r} is given more than once")
        if "\x00" in name or "\x00" in value:
            raise WebhookRejected(400, "NUL characters are not allowed")
        params[name] = value
    return params
