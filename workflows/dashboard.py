"""The workflows panel on the admin front page: instances by status, failed steps, starts."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from config.dashboard import BLUE, RED, Panel, Tile, bar_chart, per_day
from workflows.models import WorkflowInstance, WorkflowStepRun


def workflow_panel(user) -> dict:
    counts = dict(WorkflowInstance.objects.values_list("status").annotate(n=Count("pk")))
    url = reverse("admin:workflows_workflowinstance_changelist")
    colours = {"failed": RED, "waiting": BLUE, "running": BLUE}
    tiles = [Tile(status, counts.get(status, 0), f"{url}?status__exact={status}",
                  colours.get(status, "") if counts.get(status) else "")
             for status in ("pending", "running", "waiting", "completed", "failed", "cancelled")]
    since = timezone.now() - timedelta(days=1)
    failures = (WorkflowStepRun.objects.filter(status__in=["failed", "lost"],
                                               started_at__gte=since)
                .select_related("instance__definition").order_by("-id")[:5])
    started = per_day(WorkflowInstance.objects, "created_at", {"started": Q()})
    return {"tiles": tiles, "failures": failures,
            "chart": bar_chart(started, {"started": BLUE}, "workflow instances started per day")}


PANELS = (Panel("Workflows", "workflows.view_workflowinstance", workflow_panel, order=20),)
