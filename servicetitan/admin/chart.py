"""A small inline SVG of recent sync runs for the sync log page: one bar per run (height:
records fetched, colour: status) and a line for the run's duration."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from servicetitan.models import SyncLog

COLOURS = {"success": "#2e7d32", "partial": "#ef6c00", "failed": "#c62828", "running": "#1565c0"}
WIDTH, HEIGHT, BAR = 720, 120, 12


def runs_chart(runs: Sequence[SyncLog]) -> SafeString:
    """The chart of ``runs`` (oldest first); empty when there are none."""
    if not runs:
        return SafeString("")
    most = max(max(run.fetched for run in runs), 1)
    longest = max(max(run.duration or 0 for run in runs), 0.001)
    step = WIDTH / len(runs)
    width = f"{min(BAR, step - 2):.1f}"
    bars = format_html_join("", (
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
        "<title>{} {}: {} records in {}s</title></rect>"), (
        (f"{i * step:.1f}", f"{HEIGHT - _scale(run.fetched, most):.1f}", width,
         f"{_scale(run.fetched, most):.1f}", COLOURS.get(run.status, "#777"), run.resource,
         run.status, run.fetched, f"{run.duration or 0:.1f}") for i, run in enumerate(runs)))
    points = " ".join(f"{i * step + min(BAR, step - 2) / 2:.1f},"
                      f"{HEIGHT - _scale(run.duration or 0, longest):.1f}"
                      for i, run in enumerate(runs))
    return format_html(
        '<figure style="margin: 0 0 1em"><svg width="{}" height="{}" role="img" '
        'aria-label="recent sync runs">{}<polyline points="{}" fill="none" stroke="#444" '
        'stroke-width="1.5"/></svg><figcaption style="font-size: 11px; color: #666">'
        "Last {} runs, oldest first: bars = records fetched (max {}), line = duration "
        "(max {}s); green success, orange partial, red failed, blue running."
        "</figcaption></figure>", WIDTH, HEIGHT + 2, bars, points, len(runs), most,
        f"{longest:.1f}")


def _scale(value: float, most: float) -> float:
    return max(1.0, (HEIGHT - 4) * value / most)
