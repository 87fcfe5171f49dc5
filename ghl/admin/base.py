"""An action factory that calls a service per selected row and reports what happened."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from config.ratelimits import over_limit, too_many_requests


def per_row_action(name: str, label: str, call: Callable[[Model], str],
                   errors: tuple[type[Exception], ...], calls_vendor: bool = False,
                   permission: str = "operate") -> Callable:
    """An action running ``call(row)`` for each selected row; ``call`` returns a line for
    the report, ``errors`` are reported per row instead of stopping the others.
    ``calls_vendor``: counted against the per-user ``admin_vendor_action`` budget."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest,
               queryset: QuerySet) -> HttpResponse | None:
        if calls_vendor and over_limit(request, "admin_vendor_action", "user_or_ip"):
            return too_many_requests("admin_vendor_action", html=True)
        done, failed = [], []
        for row in queryset:
            try:
                done.append(call(row))
            except errors as exc:
                failed.append(f"{row.pk}: {exc}")
        if done:
            modeladmin.message_user(request, f"{len(done)} done: " + "; ".join(done[:10]),
                                    messages.SUCCESS)
        if failed:
            modeladmin.message_user(request, f"{len(failed)} failed: " + "; ".join(failed[:10]),
                                    messages.ERROR)
        return None

    action.short_description = label
    action.__name__ = name
    action.allowed_permissions = (permission,)
    return action
