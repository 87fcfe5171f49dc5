"""The back office: Django's admin with login throttling, a per-user request budget and a
dashboard on the index page."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.utils.decorators import method_decorator

from config.ratelimits import rate_limit


class PerfectCatchAdminSite(admin.AdminSite):
    site_header = "PerfectCatch Automation"
    site_title = "PerfectCatch"
    index_title = "Back office"

    # Password guessing: per client address and per username tried, on POST only.
    @method_decorator(rate_limit("admin_login", keys=("ip", "post:username"), method="POST"))
    def login(self, request, extra_context=None):
        return super().login(request, extra_context)

    def index(self, request, extra_context=None):
        from config.dashboard import dashboard

        return super().index(request, {"dashboard": dashboard(request.user),
                                        **(extra_context or {})})

    def admin_view(self, view, cacheable=False):
        return super().admin_view(rate_limit("admin", keys=("user_or_ip",))(view), cacheable)


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
