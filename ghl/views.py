"""``POST /webhooks/ghl/``: GHL's webhook events. Thin: the service checks and stores the
delivery, then applies it; the answer is 200 once stored (GHL retries only on 429, so a
failure to apply is recorded for staff rather than answered as an error)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.metrics_registry import webhook_refused
from config.ratelimits import rate_limit
from ghl.services.webhooks import WebhookRejected, apply_delivery, receive


@csrf_exempt
@rate_limit("webhook_ghl")
@require_POST
def ghl_webhook(request: HttpRequest) -> JsonResponse:
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        delivery = receive(request.body, headers)
    except WebhookRejected as exc:
        webhook_refused("ghl", exc.status)
        return JsonResponse({"error": exc.reason}, status=exc.status)
    delivery = apply_delivery(delivery)
    return JsonResponse({"received": delivery.webhook_id, "status": delivery.status})
