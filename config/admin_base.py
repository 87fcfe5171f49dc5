"""Admin bases the apps share for rows that only services write (mirrors, logs, queues): one
place that refuses adding, changing and deleting them, declared per admin instead of
hand-written ``has_*_permission`` overrides."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.http import HttpRequest

from config.admin_site import OperatePermission

EDITS = frozenset({"add", "change", "delete"})


class ReadOnlyAdminMixin:
    """Refuses add, change and delete, except those named in ``allow``, which are left to
    Django's model permissions (e.g. "change" where actions need it, "delete" for a queue)."""

    allow: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.allow <= EDITS:
            raise TypeError(f"{cls.__name__}.allow: {sorted(cls.allow - EDITS)} is not one of "
                            f"{sorted(EDITS)}")

    # ModelAdmin's takes (request), an inline's (request, obj): *args passes either on.
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return "add" in self.allow and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return "change" in self.allow and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return "delete" in self.allow and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(ReadOnlyAdminMixin, OperatePermission, admin.ModelAdmin):
    """Vendor data, logs and records of what happened: looked at, never edited here. Their
    actions (sync, push, retry, apply again) need ``operate_permission``."""


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Rows listed under their parent: none added, none deleted from the form (``can_delete``).
    Change and delete stay Django's: the parent pages are read-only, and so the inline is."""

    allow = frozenset({"change", "delete"})
    extra = 0
    can_delete = False
