"""django-q2 tasks of the operations app (thin)."""

from __future__ import annotations

import os
import socket

from django.utils import timezone

from config.models import Heartbeat

CLUSTER = "qcluster"


def heartbeat() -> str:
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        name=CLUSTER, defaults={"at": now, "worker": f"{socket.gethostname()}:{os.getpid()}"})
    return f"heartbeat at {now.isoformat()}"
