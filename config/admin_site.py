"""The back office: Django's admin with login throttling, a per-user request budget, a 400
page for input no page can take, and a dashboard on the index page."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django_ratelimit.core import _split_rate

from config.logins import LoginAttempt
from config.ratelimits import rate_limit


class PerfectCatchAdminSite(admin.AdminSite):
    site_header = "PerfectCatch Automation"
    site_title = "PerfectCatch"
    index_title = "Back office"

    # Password guessing: every POST counts per client address; per username only failures
    # count, and not against browsers the user signed in with (config/logins.py).
    @method_decorator(rate_limit("admin_login", keys=("ip",), method="POST"))
    def login(self, request, extra_context=None):
        if request.method != "POST":
            return super().login(request, extra_context)
        attempt = LoginAttempt.of(request)
        if attempt.blocked():
            return self._too_many_logins(request, attempt.group)
        response = super().login(request, extra_context)
        if response.status_code == 302 and request.user.is_authenticated:
            attempt.succeeded(response)
        else:
            attempt.failed()
        return response

    def _too_many_logins(self, request: HttpRequest, group: str) -> TemplateResponse:
        _count, period = _split_rate(settings.RATELIMITS[group])
        response = TemplateResponse(request, "admin/too_many_logins.html", {
            **self.each_context(request), "title": "Too many failed sign-ins",
            "retry_after_minutes": max(period // 60, 1)}, status=429)
        response["Retry-After"] = str(period)
        return response

    def index(self, request, extra_context=None):
        from config.dashboard import dashboard

        return super().index(request, {"dashboard": dashboard(request.user),
                                        **(extra_context or {})})

    def admin_view(self, view, cacheable=False):
        view = rate_limit("admin", keys=("user_or_ip",))(self._refuse_odd_input(view))
        return super().admin_view(view, cacheable)

    def bad_request(self, request: HttpRequest, message: str) -> TemplateResponse:
        """400 with ``message`` on an admin page, for input a page cannot take."""
        return TemplateResponse(request, "admin/bad_request.html",
                                {**self.each_context(request), "message": message,
                                 "title": "Bad request"}, status=400)

    def _refuse_odd_input(self, view):
        # PostgreSQL refuses NUL in text, so a %00 in an id, a filter or a search would
        # otherwise reach it and come back as a 500.
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if "\x00" in request.path or any(
                    "\x00" in key or any("\x00" in value for value in values)
                    for key, values in request.GET.lists()):
                return self.bad_request(request, "The address holds a NUL character (%00), "
                                                 "which no page here accepts.")
            return view(request, *args, **kwargs)

        return wrapped


class OperatePermission:
    """For admins whose rows change only through actions that call services (no edit form):
    actions declared with ``permissions=["operate"]`` need ``operate_permission``, and custom
    pages use ``require_view``/``require_operate`` to check before they show anything."""

    operate_permission: str = ""

    def has_operate_permission(self, request) -> bool:
        return bool(self.operate_permission) and request.user.has_perm(self.operate_permission)

    def require_view(self, request) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def require_operate(self, request) -> None:
        if not self.has_operate_permission(request):
            raise PermissionDenied


class PerfectCatchAdminConfig(AdminConfig):
    default_site = "config.admin_site.PerfectCatchAdminSite"
