"""django-q2 tasks of the operations app (thin)."""

from __future__ import annotations

import os
import socket

from django.utils import timezone

from config.models import Heartbeat

CLUSTER = "qcluster"


def beat(name: str, worker: str = "") -> None:
    """Record that ``name`` (a process kind) is alive now."""
    Heartbeat.objects.update_or_create(name=name, defaults={
        "at": timezone.now(), "worker": worker or f"{socket.gethostname()}:{os.getpid()}"})


def prune() -> str:
    """Daily: delete run and webhook logs past their retention (config/retention.py)."""
    from config.retention import prune as prune_logs

    return ", ".join(f"{model}: {n}" for model, n in prune_logs().items())


def metrics_snapshot() -> str:
    """Every minute: read the figures /metrics serves, so that no scrape waits for them."""
    from config.metrics import refresh_database_metrics

    return f"{len(refresh_database_metrics()):,} bytes of metrics"


def heartbeat() -> str:
    """The django-q2 schedule: a worker of the cluster ran it."""
    beat(CLUSTER)
    return f"heartbeat at {timezone.now().isoformat()}"


# What the task queue may run (config/taskqueue.py): schedules and resubmits pick from these.
TASKS = (heartbeat, prune, metrics_snapshot)
