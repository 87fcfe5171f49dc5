"""Twilio's webhooks: thin views over ``signatures`` (is it Twilio?) and the services.

Every refusal is a 4xx with a plain-text reason; nothing is stored unless the request is a
genuine, well-formed Twilio request.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.twiml.messaging_response import MessagingResponse

from config.metrics_registry import webhook_refused
from config.ratelimits import limit_refusals
from messaging.services.inbound import InvalidInbound, parse_inbound, receive_sms
from messaging.services.status import InvalidCallback, parse_status, record_status
from messaging.signatures import WebhookRejected, verified_params


def _refused(endpoint: str, status: int, reason: str) -> HttpResponse:
    webhook_refused(endpoint, status)
    return HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")


# What MessagingResponse renders with no message, built once: most texts get no reply.
EMPTY_TWIML = str(MessagingResponse())


def twiml(reply: str) -> HttpResponse:
    """TwiML answering with ``reply`` (an empty ``<Response/>`` sends nothing)."""
    if not reply:
        return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")
    response = MessagingResponse()
    response.message(reply)
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


@csrf_exempt
@limit_refusals("webhook_twilio")
@require_POST
def inbound_sms(request: HttpRequest) -> HttpResponse:
    try:
        inbound = parse_inbound(verified_params(request))
    except WebhookRejected as exc:
        return _refused("twilio_sms", exc.status, exc.reason)
    except InvalidInbound as exc:
        return _refused("twilio_sms", 400, str(exc))
    return twiml(receive_sms(inbound).reply)


@csrf_exempt
@limit_refusals("webhook_twilio")
@require_POST
def status_callback(request: HttpRequest) -> HttpResponse:
    try:
        callback = parse_status(verified_params(request))
    except WebhookRejected as exc:
        return _refused("twilio_status", exc.status, exc.reason)
    except InvalidCallback as exc:
        return _refused("twilio_status", 400, str(exc))
    record_status(callback)
    return HttpResponse(status=204)

