"""Texts in the admin: the list (filter by status and direction), and conversations — one
thread per phone number, in and out, oldest first."""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from config.admin_base import ReadOnlyAdmin
from config.admin_lists import BigTableMixin, IndexedValuesFilter, PhoneSearchMixin
from config.badges import badge
from config.csv_export import CsvExport
from config.formatting import pretty
from messaging.models import CommunicationPreference, Direction, SmsMessage
from messaging.selectors import conversation_threads


@admin.register(SmsMessage)
class SmsMessageAdmin(CsvExport, PhoneSearchMixin, BigTableMixin, ReadOnlyAdmin):
    """Texts are sent by workflows and services, never typed in here."""

    empty_hint = ("No texts yet. Workflows send them (a “Send a text” step); replies arrive "
                  "when Twilio's webhook points at PUBLIC_BASE_URL/webhooks/twilio/sms/.")
    csv_fields = ("id", "created_at", "direction", "phone", "customer_id", "purpose", "status",
                  "segments", "error_code", "error_message", "body", "sent_at", "delivered_at",
                  "workflow_instance_id", "workflow_step_id")
    list_display = ("created_at", "arrow", "conversation_link", "status_badge", "excerpt",
                    "customer_id", "error_code")
    list_filter = ("status", "direction", "purpose", ("intent", IndexedValuesFilter))
    search_fields = ("phone", "sid", "idempotency_key", "body")
    search_help_text = ("A phone number in any spelling finds its texts; anything else "
                        "searches numbers, SIDs, keys and bodies.")
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = [f.name if f.name != "raw" else "raw_display"
                       for f in SmsMessage._meta.fields]
    fields = readonly_fields

    @admin.display(description="")
    def arrow(self, obj: SmsMessage) -> str:
        return "← in" if obj.direction == Direction.INBOUND else "→ out"

    @admin.display(description="phone", ordering="phone")
    def conversation_link(self, obj: SmsMessage) -> str:
        url = reverse("admin:messaging_smsmessage_conversation", args=[obj.phone])
        return format_html('<a href="{}">{}</a>', url, obj.phone)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: SmsMessage):
        return badge(obj.status)

    @admin.display(description="raw (as Twilio sent it)")
    def raw_display(self, obj: SmsMessage):
        return pretty(obj.raw)

    @admin.display(description="text")
    def excerpt(self, obj: SmsMessage) -> str:
        return obj.body if len(obj.body) <= 60 else obj.body[:57] + "…"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("conversations/", view(self.conversations_view),
                 name="messaging_smsmessage_conversations"),
            path("conversations/<str:phone>/", view(self.conversation_view),
                 name="messaging_smsmessage_conversation"),
            *super().get_urls(),
        ]

    def conversations_view(self, request: HttpRequest) -> TemplateResponse:
        """One row per phone number: last activity, counts; searchable by number."""
        self.require_view(request)
        query = request.GET.get("q", "").strip()
        page = Paginator(conversation_threads(query), 50).get_page(request.GET.get("page"))
        opted_out = set(CommunicationPreference.objects.filter(
            phone__in=[t["phone"] for t in page], sms_opted_out=True).values_list("phone",
                                                                                  flat=True))
        return TemplateResponse(request, "admin/messaging/smsmessage/conversations.html", {
            **self.admin_site.each_context(request), "title": "Conversations", "page": page,
            "opts": self.model._meta, "query": query, "opted_out": opted_out})

    def conversation_view(self, request: HttpRequest, phone: str) -> TemplateResponse:
        self.require_view(request)
        thread = list(SmsMessage.objects.filter(phone=phone).order_by("-created_at", "-id")[:500])
        thread.reverse()  # the latest 500, oldest first
        preference = CommunicationPreference.objects.filter(phone=phone).first()
        return TemplateResponse(request, "admin/messaging/smsmessage/conversation.html", {
            **self.admin_site.each_context(request), "title": f"Conversation with {phone}",
            "phone": phone, "thread": thread, "preference": preference,
            "opts": self.model._meta,
            "customer_ids": sorted({m.customer_id for m in thread if m.customer_id})})
