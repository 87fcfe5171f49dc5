"""The project's URLs plus the two baselines of ``bench/webhook_load.py``:

- ``/bench/bare/``: the same middleware stack and a POST body parsed, but no signature check
  and no database — what a Django request costs at all;
- ``/bench/floor/``: what any inbound-SMS webhook must do — check Twilio's signature, read the
  text, and store it with its ``sms.received`` event in one durable statement (the webhook's
  own ``store_received``) — and nothing else: no keyword handling, no nudges to the cluster,
  none of the webhook's decorators. The webhook against the floor is what our own code costs
  beyond the unavoidable; the floor against the bare view is the physical limit of the ratio
  on the machine at hand.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as project_urlpatterns
from messaging.services.inbound import InvalidInbound, parse_inbound
from messaging.services.received import store_received
from messaging.signatures import WebhookRejected, verified_params
from messaging.views import EMPTY_TWIML

EMPTY_RESPONSE = '<?xml version="1.0" encoding="UTF-8"?><Response />'


@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> HttpResponse:
    request.POST  # noqa: B018 (parse the form, as the webhook does)
    return HttpResponse(EMPTY_RESPONSE, content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> HttpResponse:
    try:
        inbound = parse_inbound(verified_params(request))
    except WebhookRejected as exc:
        return HttpResponse(exc.reason, status=exc.status)
    except InvalidInbound as exc:
        return HttpResponse(str(exc), status=400)
    store_received(inbound, inbound.from_, timezone.now())
    return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), path("bench/floor/", floor), *project_urlpatterns]
