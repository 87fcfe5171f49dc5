"""The employee mapping: each ServiceTitan technician or employee and their GHL user.
Unmatched people come first; staff pick a user (or none) and that choice is kept."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from config.admin_base import ReadOnlyAdminMixin
from ghl.models import Employee, GHLUser
from ghl.services.staff import assign_ghl_user, forget_staff_choice


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ("ghl_user",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "ghl_user" in self.fields:
            self.fields["ghl_user"].queryset = GHLUser.objects.filter(active=True)


@admin.register(Employee)
class EmployeeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    form = EmployeeForm
    list_display = ("name", "st_kind", "st_id", "email", "ghl_user", "match", "active")
    list_editable = ("ghl_user",)
    list_filter = ("match", "st_kind", "active")
    search_fields = ("name", "email", "=st_id", "ghl_user__name", "ghl_user__email")
    list_select_related = ("ghl_user",)
    readonly_fields = ("st_kind", "st_id", "name", "email", "active", "match", "created_at",
                       "updated_at")
    fields = ("name", "st_kind", "st_id", "email", "active", "ghl_user", "match")
    actions = ["match_by_email"]
    # Rows come from the ServiceTitan mirror and the next match would bring a deleted one
    # back: staff only change who is whose GHL user.
    allow = frozenset({"change"})

    def get_changelist_form(self, request: HttpRequest, **kwargs):
        return EmployeeForm

    def get_changelist_formset(self, request: HttpRequest, **kwargs):
        """Every row's GHL-user menu offers the same users: read them once, not per row."""
        formset = super().get_changelist_formset(request, **kwargs)
        choices = [("", "---------"), *((u.pk, str(u)) for u in
                                         GHLUser.objects.filter(active=True).order_by("name"))]

        class SharedChoices(formset):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                form.fields["ghl_user"].choices = choices
                return form

        return SharedChoices

    def save_model(self, request: HttpRequest, obj: Employee, form, change: bool) -> None:
        if "ghl_user" in form.changed_data:
            assign_ghl_user(employee=obj, user=form.cleaned_data["ghl_user"])

    @admin.action(description="Let email matching decide again", permissions=["change"])
    def match_by_email(self, request: HttpRequest, queryset: QuerySet) -> None:
        counts = forget_staff_choice(list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{counts['matched']} matched by email, "
                                   f"{counts['unmatched']} unmatched, {counts['staff']} set by "
                                   f"staff.", messages.SUCCESS)
