"""The back office's front page: how everything stands, at a glance.

The readiness checks, then the apps' panels: each app may declare ``PANELS`` in its own
``<app>/dashboard.py`` (read-only aggregate queries over its tables), found through
``config.discovery`` so that this module imports no app's models. Each panel appears only to
staff who hold its view permission. Here: the shared parts (tiles, charts, days, colours).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Aggregate, Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from config.discovery import app_modules
from config.health import run_checks

DAYS = 14
GREEN, ORANGE, RED, BLUE, GREY = "#2e7d32", "#ef6c00", "#c62828", "#1565c0", "#9e9e9e"


@dataclass(frozen=True)
class Tile:
    label: str
    value: int | str
    url: str = ""
    colour: str = ""


@dataclass(frozen=True)
class Panel:
    """A panel on the front page: ``build(user)`` returns what the template shows (``tiles``,
    and optionally ``chart``, ``never``, ``failures``); ``order`` places it (lowest first)."""

    title: str
    permission: str  # the view permission a user needs to see the panel
    build: Callable[[Any], dict]  # (user) -> the panel's context
    order: int = 100


def health() -> list[dict]:
    return [{"name": r.name.replace("_", " "), "ok": r.ok, "detail": r.detail,
             "colour": GREEN if r.ok else GREY if r.skipped else RED} for r in run_checks()]


def dashboard(user) -> dict:
    """The readiness checks, and every app's ``PANELS`` (``<app>/dashboard.py``) in ``order``
    that ``user`` may view, each built for them."""
    panels = sorted((panel for module in app_modules("dashboard")
                     for panel in getattr(module, "PANELS", ())), key=lambda panel: panel.order)
    return {"health": health(),
            "panels": [{"title": panel.title, **panel.build(user)} for panel in panels
                       if user.has_perm(panel.permission)]}


def per_day(queryset, field: str, series: dict[str, Q | Aggregate]
             ) -> list[tuple[date, dict[str, int]]]:
    """Values per day over the last ``DAYS`` days, per series: a filter (rows counted) or an
    aggregate."""
    today = timezone.localdate()
    start = today - timedelta(days=DAYS - 1)
    rows = (queryset.filter(**{f"{field}__date__gte": start})
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


def ago(now, then) -> str:
    seconds = int((now - then).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"
