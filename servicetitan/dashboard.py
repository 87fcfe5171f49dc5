"""The ServiceTitan panel on the admin front page: cursors, today's runs, records written."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from config.dashboard import BLUE, GREEN, RED, Panel, Tile, ago, bar_chart, per_day
from servicetitan.models import SyncLog, SyncState


def sync_panel(user) -> dict:
    now = timezone.now()
    states = list(SyncState.objects.order_by("resource"))
    since = now - timedelta(days=1)
    runs = SyncLog.objects.filter(started_at__gte=since).aggregate(
        runs=Count("pk"), failed=Count("pk", filter=Q(status__in=["failed", "partial"])),
    )
    oldest = min((s.last_success_at for s in states if s.last_success_at), default=None)
    never = [s.resource for s in states if s.last_success_at is None]
    written = per_day(SyncLog.objects, "started_at", {"created": Sum("created"),
                                                      "updated": Sum("updated")})
    return {
        "tiles": [
            Tile("resources", len(states), reverse("admin:servicetitan_syncstate_changelist")),
            Tile("oldest success", ago(now, oldest) if oldest else "never",
                 colour=RED if never else ""),
            Tile("runs today", runs["runs"], reverse("admin:servicetitan_synclog_changelist")),
            Tile("failed or partial today", runs["failed"],
                 reverse("admin:servicetitan_synclog_changelist") + "?status__in=failed,partial",
                 RED if runs["failed"] else ""),
        ],
        "never": never,
        "chart": bar_chart(written, {"created": GREEN, "updated": BLUE},
                           "records written per day"),
    }


PANELS = (Panel("ServiceTitan mirror", "servicetitan.view_syncstate", sync_panel, order=10),)
