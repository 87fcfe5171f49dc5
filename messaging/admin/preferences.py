"""Preferences in the admin. Nothing is edited in place: opting out, opting in, confirming a
free-text opt-out and importing a list all go through ``messaging.services`` with a reason,
so the audit history (inline) says who did what and why."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from config.admin_base import ReadOnlyAdmin, ReadOnlyInline
from config.admin_lists import PhoneSearchMixin
from config.csv_export import CsvExport
from messaging.admin.forms import ImportForm, OptOutNumberForm, ReasonForm
from messaging.models import CommunicationPreference, OptOutReview, PreferenceChange
from messaging.services import preferences
from messaging.services.imports import ImportRejected, import_opt_outs

REASON_TEMPLATE = "admin/messaging/reason_form.html"
TWILIO_STILL_BLOCKS = ("This lifts our own block only. If the customer texted STOP, Twilio keeps "
                       "refusing texts to the number (error 21610) until they text START.")


class PreferenceChangeInline(ReadOnlyInline):
    model = PreferenceChange
    fields = ("created_at", "action", "source", "actor", "reason", "message")
    readonly_fields = fields
    ordering = ("-id",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("message")


def with_reason(name: str, label: str, service: Callable[..., preferences.PreferenceResult],
                done: str, note: str = "") -> Callable:
    """An admin action that first asks for a reason (an intermediate page), then calls
    ``service(phone=…, actor=…, reason=…)`` for each selected row."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest,
               queryset: QuerySet) -> HttpResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None, initial={
            "_selected_action": queryset.values_list("pk", flat=True),
            "action": request.POST.get("action")})
        if not form.is_valid():
            return TemplateResponse(request, REASON_TEMPLATE, {
                **modeladmin.admin_site.each_context(request), "title": label, "form": form,
                "queryset": queryset, "opts": modeladmin.model._meta, "note": note})
        changed = sum(service(phone=p.phone, actor=request.user.get_username(),
                              reason=form.cleaned_data["reason"]).changed for p in queryset)
        modeladmin.message_user(request, f"{changed} of {queryset.count()} numbers {done}.",
                                messages.SUCCESS)
        return None

    action.short_description = label
    action.__name__ = name
    action.allowed_permissions = ("operate",)
    return action


staff_opt_out = partial(preferences.opt_out, source="staff")
staff_opt_in = partial(preferences.opt_in, source="staff")


class PreferenceAdminBase(CsvExport, PhoneSearchMixin, ReadOnlyAdmin):
    # Changes go through the actions, which record a reason, and the audit history must
    # survive; "add" is "opt a number out" (through the service).
    allow = frozenset({"add"})
    csv_fields = ("phone", "customer_id", "sms_opted_out", "opt_out_source", "opted_out_at",
                  "opted_in_at", "needs_review")

    list_display = ("phone", "customer_id", "sms_opted_out", "opt_out_source", "opted_out_at",
                    "opted_in_at", "needs_review", "conversation")
    list_filter = ("sms_opted_out", "opt_out_source", "needs_review")
    search_fields = ("phone", "=customer_id")
    readonly_fields = ("phone", "customer_id", "sms_opted_out", "opted_out_at",
                       "opt_out_source", "opted_in_at", "needs_review", "review_message",
                       "created_at", "updated_at")
    list_select_related = ("review_message",)
    inlines = [PreferenceChangeInline]

    @admin.display(description="texts")
    def conversation(self, obj: CommunicationPreference) -> str:
        url = reverse("admin:messaging_smsmessage_conversation", args=[obj.phone])
        return format_html('<a href="{}">conversation</a>', url)


@admin.register(CommunicationPreference)
class CommunicationPreferenceAdmin(PreferenceAdminBase):
    empty_hint = ("No numbers have opted out. STOP replies land here by themselves; to add "
                  "one, use “Opt a number out” or “Import opt-out list”.")
    operate_permission = "messaging.change_communicationpreference"
    actions = [
        with_reason("opt_out_selected", "Opt out selected numbers", staff_opt_out,
                    "opted out"),
        with_reason("opt_in_selected", "Opt selected numbers back in", staff_opt_in,
                    "opted back in", note=TWILIO_STILL_BLOCKS),
    ]
    change_list_template = "admin/messaging/communicationpreference/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("import/", view(self.import_view),
                     name="messaging_communicationpreference_import"), *super().get_urls()]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        """"Add" is "opt a number out": a phone and a reason, through the service."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OptOutNumberForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            result = preferences.opt_out(phone=form.cleaned_data["phone"], source="staff",
                                         actor=request.user.get_username(),
                                         reason=form.cleaned_data["reason"])
            state = "opted out" if result.changed else "was already opted out"
            self.message_user(request, f"{result.preference.phone} {state}.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:messaging_communicationpreference_"
                                                "changelist"))
        return TemplateResponse(request, "admin/messaging/form_page.html", {
            **self.admin_site.each_context(request), "title": "Opt a number out",
            "form": form, "opts": self.model._meta, "multipart": False,
            "submit": "Opt out"})

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_opt_outs(data=upload.read(), actor=request.user.get_username(),
                                         filename=upload.name)
            except ImportRejected as exc:
                problems = exc.problems
            else:
                self.message_user(request, f"Imported {report.imported} opt-outs "
                                           f"({report.already_opted_out} already opted out, "
                                           f"{report.duplicates} duplicate lines).",
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse(
                    "admin:messaging_communicationpreference_changelist"))
        return TemplateResponse(request, "admin/messaging/form_page.html", {
            **self.admin_site.each_context(request), "title": "Import an opt-out list",
            "form": form, "opts": self.model._meta, "multipart": True, "problems": problems,
            "submit": "Import"})


@admin.register(OptOutReview)
class OptOutReviewAdmin(PreferenceAdminBase):
    empty_hint = ("Nothing to review. Replies that may mean “stop texting me” without a "
                  "keyword wait here for a decision.")
    """The review queue: free-text replies taken as opt-outs, oldest first."""

    operate_permission = "messaging.change_optoutreview"
    allow = frozenset()

    list_display = ("phone", "reply", "opted_out_at", "customer_id", "conversation")
    list_filter = ()
    ordering = ("opted_out_at",)
    actions = [
        with_reason("confirm_selected", "Confirm: it was an opt-out",
                    preferences.confirm_review, "confirmed"),
        with_reason("opt_in_selected", "Not an opt-out: opt back in", staff_opt_in,
                    "opted back in", note=TWILIO_STILL_BLOCKS),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(needs_review=True)

    @admin.display(description="their reply")
    def reply(self, obj: CommunicationPreference) -> str:
        return obj.review_message.body if obj.review_message else "-"
