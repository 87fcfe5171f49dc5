"""``/metrics``: django-prometheus' request and database metrics plus the service's own, read
from the database at scrape time so every process reports the same truth.

Each app may have ``metrics.py`` with ``collect()`` yielding prometheus metric families;
``DatabaseCollector`` runs them all. Reading them counts every text, step run and instance,
most of a second on a year of data, so a scrape serves them from the cache: the cluster's
``metrics_snapshot`` schedule reads them every minute and keeps them
``METRICS_CACHE_SECONDS`` (90 s); when the cache has none (no cluster, or a cache the cluster
does not share), the scrape reads them and keeps them as long.
Access: operators only (``config.access``: a bearer token, ``METRICS_TOKEN``, or a client
address on ``METRICS_ALLOWED_IPS``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from config.access import is_operator
from config.discovery import app_modules
from config.ratelimits import rate_limit

log = logging.getLogger(__name__)
CACHE_KEY = "perfectcatch:metrics:database"


def app_collectors() -> list[Callable[[], Iterable[Metric]]]:
    return [module.collect for module in app_modules("metrics")]


class DatabaseCollector:
    """Runs every app's ``collect()``; one failing app costs only its own metrics (and a
    ``perfectcatch_metrics_collector_up`` of 0 naming it)."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("perfectcatch_metrics_collector_up",
                               "1 when the app's metrics could be read", labels=["app"])
        for collect in app_collectors():
            app = collect.__module__.split(".")[0]
            try:
                metrics = list(collect())
            except Exception:
                log.exception("metrics of %s could not be read", app)
                up.add_metric([app], 0)
                continue
            up.add_metric([app], 1)
            yield from metrics
        yield up


def collect() -> Iterable[Metric]:
    """The operations app's own metrics: queue depth and the cluster heartbeat."""
    from django_q.brokers import get_broker

    from config.models import Heartbeat

    depth = GaugeMetricFamily("perfectcatch_queue_depth", "Tasks waiting in the django-q2 queue")
    depth.add_metric([], get_broker().queue_size())
    yield depth
    beat = Heartbeat.objects.filter(name="qcluster").values_list("at", flat=True).first()
    last = GaugeMetricFamily("perfectcatch_cluster_heartbeat_timestamp_seconds",
                             "When a django-q2 worker last ran the heartbeat schedule")
    if beat is not None:
        last.add_metric([], beat.timestamp())
    yield last


def exposition() -> bytes:
    """The process metrics (all gunicorn workers' when multiprocess) then the database's."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        process = CollectorRegistry()
        multiprocess.MultiProcessCollector(process)
    else:
        process = REGISTRY
    return generate_latest(process) + database_exposition()


def database_exposition() -> bytes:
    """The apps' metrics, from the cache when read less than ``METRICS_CACHE_SECONDS`` ago."""
    body = cache.get(CACHE_KEY) if settings.METRICS_CACHE_SECONDS > 0 else None
    return refresh_database_metrics() if body is None else body


def refresh_database_metrics() -> bytes:
    """Read the apps' metrics now and keep them ``METRICS_CACHE_SECONDS`` in the cache."""
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    body = generate_latest(database)
    if settings.METRICS_CACHE_SECONDS > 0:
        cache.set(CACHE_KEY, body, settings.METRICS_CACHE_SECONDS)
    return body


@never_cache
@rate_limit("probe")
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not is_operator(request):
        return HttpResponse("metrics need a bearer token or an allowed address\n", status=403,
                            content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
