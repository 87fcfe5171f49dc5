"""JSON as staff read it: nested tables of names and values instead of braces and quotes, for
payloads, contexts, step outputs and raw vendor records on admin pages. Big values are cut
with a count of what was left out (the CSV export and the JSON of a definition stay whole)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

MAX_ITEMS = 60   # keys or list items shown per level
MAX_DEPTH = 6
STYLE = mark_safe(
    "<style>.pc-kv{border-collapse:collapse;margin:0}.pc-kv th,.pc-kv td{padding:2px 8px;"
    "border-bottom:1px solid var(--hairline-color);vertical-align:top;text-align:left}"
    ".pc-kv th{font-weight:600;color:var(--body-quiet-color);white-space:nowrap}"
    ".pc-kv .pc-none{color:var(--body-quiet-color)}</style>")


def pretty(value: Any) -> SafeString:
    """``value`` (JSON) as HTML: objects as two-column tables, lists of scalars inline, lists
    of objects numbered, empty things as a dash."""
    return STYLE + _html(value, 0)


def _html(value: Any, depth: int) -> SafeString:
    if value is None or value == "" or value == {} or value == []:
        return mark_safe('<span class="pc-none">—</span>')
    if isinstance(value, bool):
        return mark_safe("yes" if value else "no")  # noqa: S308 (a constant)
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        return format_html("<code>{}</code>", str(value)[:200])
    if isinstance(value, dict):
        return _table(list(value.items()), depth)
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            shown = ", ".join(str(item) for item in value[:MAX_ITEMS])
            more = f" … and {len(value) - MAX_ITEMS} more" if len(value) > MAX_ITEMS else ""
            return format_html("{}{}", shown, more)
        return _table([(f"#{index + 1}", item) for index, item in enumerate(value)], depth)
    return format_html("{}", value)


def _table(items: list[tuple[Any, Any]], depth: int) -> SafeString:
    rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>",
                            ((key, _html(item, depth + 1)) for key, item in items[:MAX_ITEMS]))
    more = (format_html('<tr><td colspan="2" class="pc-none">… and {} more</td></tr>',
                        len(items) - MAX_ITEMS) if len(items) > MAX_ITEMS else "")
    return format_html('<table class="pc-kv"><tbody>{}{}</tbody></table>', rows, more)
