"""``POST /webhooks/ghl/``: GHL's webhook events. Thin: the service checks and stores the
delivery, then applies it; the answer is 200 once stored (GHL retries only on 429, so a
failure to apply is retried here, by ``ghl.tasks.retry_webhook_deliveries``, rather than
answered as an error)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.metrics_registry import webhook_refused
from config.ratelimits import rate_limit
from ghl.services import provider
from ghl.services.deliveries import apply_delivery
from ghl.services.webhooks import WebhookRejected, receive


@csrf_exempt
@rate_limit("webhook_ghl")
@require_POST
def ghl_webhook(request: HttpRequest) -> JsonResponse:
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        delivery = receive(request.body, headers)
    except WebhookRejected as exc:
        webhook_refused("ghl", exc.status, exc.label)
        return JsonResponse({"error": exc.reason}, status=exc.status)
    delivery = apply_delivery(delivery)
    return JsonResponse({"received": delivery.webhook_id, "status": delivery.status})


@csrf_exempt
@rate_limit("webhook_ghl")
@require_POST
def provider_webhook(request: HttpRequest) -> JsonResponse:
    """``POST /webhooks/ghl/provider/``: a rep's reply from GHL, sent through Twilio."""
    if not settings.GHL_CONVERSATIONS:
        return JsonResponse({"error": "GHL conversations are turned off "
                                      "(GHL_CONVERSATIONS=false)"}, status=404)
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        reply = provider.parse(request.body, headers)
    except provider.ProviderRejected as exc:
        webhook_refused("ghl_provider", exc.status)
        return JsonResponse({"error": exc.reason}, status=exc.status)
    sent = provider.send_rep_reply(reply)
    return JsonResponse({"messageId": sent.message_id, "status": sent.status,
                         "duplicate": sent.duplicate, "reason": sent.reason})
