from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.access import is_operator
from config.health import failed_names, run_checks
from config.ratelimits import rate_limit


@never_cache
@rate_limit("probe")
@require_GET
def healthz(request):
    """Liveness: the process answers. No database access, so a database outage does not get
    the web process restarted for nothing."""
    return JsonResponse({"status": "ok"})


@never_cache
@rate_limit("probe")
@require_GET
def readyz(request):
    """Readiness: 200 or 503 with the names of the failed checks. Only operators
    (``config.access``) also get each check's detail, which can name hosts, migrations and
    exception texts; ``manage.py healthcheck`` prints them too."""
    results = run_checks()
    ready = all(r.ok for r in results)
    body = {"status": "ready" if ready else "not ready", "failed": failed_names(results)}
    if is_operator(request):
        body["checks"] = {r.name: r.as_dict() for r in results}
    return JsonResponse(body, status=200 if ready else 503)
