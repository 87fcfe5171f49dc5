"""Status badges: every status column in the admin reads the same way — a coloured pill
whose tone says whether the thing is done well (green), went wrong (red), is waiting (amber),
is under way (blue) or is settled with nothing to do (grey). One vocabulary for every app's
statuses, so "failed" looks the same on a sync run, a text and a workflow instance."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

TONES = {  # text colour, background
    "good": ("#1b5e20", "#e3f3e5"),
    "bad": ("#a4161a", "#fde4e3"),
    "wait": ("#7a4f00", "#fff1d6"),
    "busy": ("#0b4f8a", "#e1eefb"),
    "quiet": ("#4a4a4a", "#ececec"),
}
STATUS_TONES = {
    **dict.fromkeys(("success", "completed", "delivered", "sent", "applied", "linked", "won",
                     "accepted", "received", "active", "ok", "answered", "done"), "good"),
    **dict.fromkeys(("failed", "gave_up", "undelivered", "blocked", "rejected", "unknown",
                     "error", "partial", "lost"), "bad"),
    **dict.fromkeys(("pending", "waiting", "deferred", "retrying", "queued", "scheduled",
                     "sending", "open"), "wait"),
    **dict.fromkeys(("running",), "busy"),
    **dict.fromkeys(("cancelled", "canceled", "ignored", "unchanged", "busy", "skipped",
                     "abandoned", "inactive", "closed"), "quiet"),
}
STYLE = ("display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;"
         "font-weight:600;white-space:nowrap;color:{};background:{}")


def badge(status: str | None, label: str | None = None) -> SafeString | str:
    """``status`` as a pill (``label`` instead of its name when given); "-" when empty."""
    if not status:
        return "-"
    colour, background = TONES[STATUS_TONES.get(status, "quiet")]
    return format_html('<span class="pc-badge pc-{}" style="{}" title="{}">{}</span>',
                       STATUS_TONES.get(status, "quiet"), STYLE.format(colour, background),
                       status, label or status.replace("_", " "))
