"""The project's URLs plus ``/bench/bare/``: the baseline of ``bench/webhook_load.py`` — the
same middleware stack and a POST body parsed, but no signature check and no database."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as project_urlpatterns


@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> HttpResponse:
    request.POST  # noqa: B018 (parse the form, as the webhook does)
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?><Response />',
                        content_type="text/xml; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
