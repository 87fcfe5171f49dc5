"""The back office's front page: how everything stands, at a glance.

Read-only selectors over the apps' tables (a handful of aggregate queries), shown on the
admin index above the app list. Each panel appears only to staff who may view its data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Aggregate, Count, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from config.health import run_checks

DAYS = 14
GREEN, ORANGE, RED, BLUE, GREY = "#2e7d32", "#ef6c00", "#c62828", "#1565c0", "#9e9e9e"


@dataclass(frozen=True)
class Tile:
    label: str
    value: int | str
    url: str = ""
    colour: str = ""


def health() -> list[dict]:
    return [{"name": r.name.replace("_", " "), "ok": r.ok, "detail": r.detail,
             "colour": GREEN if r.ok else GREY if r.skipped else RED} for r in run_checks()]


def servicetitan_panel() -> dict:
    from servicetitan.models import SyncLog, SyncState

    now = timezone.now()
    states = list(SyncState.objects.order_by("resource"))
    since = now - timedelta(days=1)
    runs = SyncLog.objects.filter(started_at__gte=since).aggregate(
        runs=Count("pk"), failed=Count("pk", filter=Q(status__in=["failed", "partial"])),
    )
    oldest = min((s.last_success_at for s in states if s.last_success_at), default=None)
    never = [s.resource for s in states if s.last_success_at is None]
    written = _per_day(SyncLog.objects, "started_at", {"created": Sum("created"),
                                                       "updated": Sum("updated")})
    return {
        "tiles": [
            Tile("resources", len(states), reverse("admin:servicetitan_syncstate_changelist")),
            Tile("oldest success", _ago(now, oldest) if oldest else "never",
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


def workflow_panel() -> dict:
    from workflows.models import WorkflowInstance, WorkflowStepRun

    # Count("status"), not the pk: an index-only scan of the (status, definition) index.
    counts = dict(WorkflowInstance.objects.values_list("status").annotate(n=Count("status")))
    url = reverse("admin:workflows_workflowinstance_changelist")
    colours = {"failed": RED, "waiting": BLUE, "running": BLUE}
    tiles = [Tile(status, counts.get(status, 0), f"{url}?status__exact={status}",
                  colours.get(status, "") if counts.get(status) else "")
             for status in ("pending", "running", "waiting", "completed", "failed", "cancelled")]
    since = timezone.now() - timedelta(days=1)
    failures = (WorkflowStepRun.objects.filter(status__in=["failed", "lost"],
                                               started_at__gte=since)
                .select_related("instance__definition").order_by("-id")[:5])
    started = _per_day(WorkflowInstance.objects, "created_at", {"started": Q()})
    return {"tiles": tiles, "failures": failures,
            "chart": bar_chart(started, {"started": BLUE}, "workflow instances started per day")}


def messaging_panel() -> dict:
    from messaging.models import CommunicationPreference, Direction, SmsMessage

    per_day = _per_day(SmsMessage.objects, "created_at", {
        "sent": Q(direction=Direction.OUTBOUND) & ~Q(status__in=["failed", "undelivered",
                                                                  "blocked"]),
        "failed": Q(direction=Direction.OUTBOUND, status__in=["failed", "undelivered"]),
        "received": Q(direction=Direction.INBOUND),
    })
    week = timezone.now() - timedelta(days=7)
    review = CommunicationPreference.objects.filter(needs_review=True).count()
    return {
        "tiles": [
            Tile("texts today", sum(per_day[-1][1].values()) if per_day else 0,
                 reverse("admin:messaging_smsmessage_changelist")),
            Tile("opted out", CommunicationPreference.objects.filter(sms_opted_out=True).count(),
                 reverse("admin:messaging_communicationpreference_changelist")
                 + "?sms_opted_out__exact=1"),
            Tile("opt-outs this week", CommunicationPreference.objects.filter(
                opted_out_at__gte=week, sms_opted_out=True).count()),
            Tile("to review", review, reverse("admin:messaging_optoutreview_changelist"),
                 ORANGE if review else ""),
        ],
        "chart": bar_chart(per_day, {"sent": GREEN, "failed": RED, "received": BLUE},
                           "texts per day"),
    }


def ghl_panel() -> dict:
    from ghl.models import (
        Employee,
        EstimateOpportunity,
        GHLContact,
        GHLOpportunity,
        SyncState,
        WebhookDelivery,
    )

    links = dict(EstimateOpportunity.objects.values_list("state").annotate(n=Count("pk")))
    unmatched = Employee.objects.filter(ghl_user__isnull=True, active=True).count()
    last = SyncState.objects.aggregate(last=Max("last_success_at"))["last"]
    gave_up = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.GAVE_UP).count()
    return {"tiles": [
        Tile("contacts", GHLContact.objects.count(), reverse("admin:ghl_ghlcontact_changelist")),
        Tile("opportunities", GHLOpportunity.objects.count(),
             reverse("admin:ghl_ghlopportunity_changelist")),
        Tile("estimates pushed", sum(links.values()),
             reverse("admin:ghl_estimateopportunity_changelist")),
        Tile("unmatched staff", unmatched, reverse("admin:ghl_employee_changelist"),
             ORANGE if unmatched else ""),
        Tile("last sync", _ago(timezone.now(), last) if last else "never"),
        Tile("webhooks given up", gave_up,
             reverse("admin:ghl_webhookdelivery_changelist") + "?status__exact=gave_up",
             RED if gave_up else ""),
    ]}


PANELS = (  # (title, the view permission it needs, builder)
    ("ServiceTitan mirror", "servicetitan.view_syncstate", servicetitan_panel),
    ("Workflows", "workflows.view_workflowinstance", workflow_panel),
    ("Texting", "messaging.view_smsmessage", messaging_panel),
    ("GoHighLevel", "ghl.view_estimateopportunity", ghl_panel),
)


def dashboard(user) -> dict:
    return {"health": health(),
            "panels": [{"title": title, **build()} for title, perm, build in PANELS
                       if user.has_perm(perm)]}


def _per_day(queryset, field: str, series: dict[str, Q | Aggregate]
             ) -> list[tuple[date, dict[str, int]]]:
    """Values per day over the last ``DAYS`` days, per series: a filter (rows counted) or an
    aggregate."""
    today = timezone.localdate()
    start = today - timedelta(days=DAYS - 1)
    # A moment, not ``__date__gte``: the time column's index finds the rows.
    since = timezone.make_aware(datetime.combine(start, time.min))
    rows = (queryset.filter(**{f"{field}__gte": since})
            .annotate(day=TruncDate(field)).values("day")
            .annotate(**{name: q if isinstance(q, Aggregate) else Count("pk", filter=q)
                         for name, q in series.items()}))
    by_day = {row["day"]: row for row in rows}
    return [(day, {name: by_day.get(day, {}).get(name) or 0 for name in series})
            for day in (start + timedelta(days=i) for i in range(DAYS))]


def bar_chart(days: Sequence[tuple[date, dict[str, int]]], colours: dict[str, str],
              caption: str, width: int = 420, height: int = 90) -> SafeString:
    """Stacked bars, one per day, as inline SVG (no JavaScript, no build step)."""
    most = max((sum(v.values()) for _, v in days), default=0) or 1
    step = width / max(len(days), 1)
    rects = []
    for i, (day, values) in enumerate(days):
        y = height
        for name, count in values.items():
            h = (height - 4) * count / most
            y -= h
            rects.append((f"{i * step + 1:.1f}", f"{y:.1f}", f"{step - 2:.1f}", f"{h:.1f}",
                          colours[name], day.strftime("%a %d %b"), name, count))
    bars = format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                                "<title>{}: {} {}</title></rect>", rects)
    legend = format_html_join(" ", '<span style="color:{}">■</span> {}',
                              ((c, n) for n, c in colours.items()))
    return format_html('<figure class="pc-chart"><svg width="{}" height="{}" role="img" '
                       'aria-label="{}">{}</svg><figcaption>{}, last {} days (max {}) · {}'
                       "</figcaption></figure>", width, height, caption, bars, caption.capitalize(),
                       DAYS, most, legend)


def _ago(now, then) -> str:
    seconds = int((now - then).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"
