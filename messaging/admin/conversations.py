"""The inbox: conversations with unanswered texts first (newest first), their owner and state;
each opens its thread with a reply box. Replying needs ``messaging.reply_conversation``
(Dispatchers and Managers); closing needs ``change``. The thread's statuses refresh from a
small JSON endpoint (``…/<id>/thread.json``), polled by the page."""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from config.admin_lists import PhoneSearchMixin
from config.admin_site import OperatePermission
from config.badges import badge
from config.csv_export import CsvExport
from messaging.models import CommunicationPreference, Conversation, SmsMessage
from messaging.services import conversations
from messaging.services.conversations import ReplyRefused

THREAD_LENGTH = 200


class MineFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "mine"), ("group", "the group's (no owner)")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(owner=request.user)
        if self.value() == "group":
            return queryset.filter(owner__isnull=True)
        return queryset


@admin.register(Conversation)
class ConversationAdmin(CsvExport, OperatePermission, PhoneSearchMixin, admin.ModelAdmin):
    empty_hint = ("No conversations yet. One starts when a customer texts in; answer it from "
                  "its page.")
    csv_fields = ("phone", "customer_id", "state", "owner__username", "unanswered_since",
                  "last_inbound_at", "last_outbound_at", "answered_by", "created_at")
    list_display = ("phone", "state_badge", "unanswered_since", "owner", "last_text",
                    "last_inbound_at", "answered_by")
    list_display_links = ("phone",)
    list_filter = ("state", MineFilter)
    list_select_related = ("owner",)
    search_fields = ("phone", "=customer_id", "owner__username")
    list_per_page = 50
    actions = ["close_conversations"]
    operate_permission = "messaging.reply_conversation"

    def get_queryset(self, request: HttpRequest):
        latest = SmsMessage.objects.filter(pk=OuterRef("last_inbound_id")).values("body")
        return super().get_queryset(request).annotate(last_body=Subquery(latest))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a conversation starts with the customer's text

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="state", ordering="state")
    def state_badge(self, obj: Conversation):
        return badge(obj.state, obj.get_state_display())

    @admin.display(description="their last text")
    def last_text(self, obj: Conversation) -> str:
        body = getattr(obj, "last_body", None) or ""
        return body if len(body) <= 60 else body[:57] + "…"

    @admin.action(description="Close the selected conversations", permissions=["change"])
    def close_conversations(self, request: HttpRequest, queryset) -> None:
        closed = conversations.close(conversation_ids=list(queryset.values_list("pk", flat=True)),
                                     by=request.user.get_username())
        self.message_user(request, f"{closed} conversation(s) closed.")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/thread.json", view(self.thread_json),
                 name="messaging_conversation_thread"),
            path("<int:pk>/reply/", view(self.reply_view), name="messaging_conversation_reply"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None):
        self.require_view(request)
        if not str(object_id).isdigit():
            return self.admin_site.bad_request(request, "A conversation id is a number.")
        conversation = get_object_or_404(Conversation.objects.select_related("owner"),
                                         pk=int(object_id))
        preference = CommunicationPreference.objects.filter(phone=conversation.phone).first()
        return TemplateResponse(request, "admin/messaging/conversation/thread.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": f"Conversation with {conversation.phone}", "conversation": conversation,
            "thread": thread(conversation), "preference": preference,
            "can_reply": self.has_operate_permission(request),
            "reply_key": uuid.uuid4().hex})

    def reply_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        self.require_operate(request)
        if request.method != "POST":
            return self.admin_site.bad_request(request, "Replies are sent with POST.")
        conversation = get_object_or_404(Conversation, pk=pk)
        key = request.POST.get("key", "")
        if not (len(key) == 32 and key.isalnum()):
            return self.admin_site.bad_request(request, "The form's key is missing: reload the "
                                                        "page and send again.")
        try:
            message = conversations.reply(conversation=conversation,
                                          body=request.POST.get("body", ""),
                                          author=request.user.get_username(), key=key)
        except ReplyRefused as exc:
            self.message_user(request, f"Not sent: {exc}", messages.ERROR)
        else:
            if message.status in conversations.GOING_OUT:
                self.message_user(request, "Reply sent.")
            else:
                self.message_user(request, f"Not sent ({message.get_status_display()}): "
                                           f"{message.error_message}", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:messaging_conversation_change", args=[pk]))

    def thread_json(self, request: HttpRequest, pk: int) -> JsonResponse:
        self.require_view(request)
        conversation = get_object_or_404(Conversation, pk=pk)
        return JsonResponse({"state": conversation.state, "messages": [
            {"id": m.pk, "direction": m.direction, "status": m.status,
             "status_display": m.get_status_display(), "error": m.error_message,
             "origin": m.origin} for m in thread(conversation)]})


def thread(conversation: Conversation) -> list[SmsMessage]:
    """The number's latest texts, oldest first."""
    latest = list(SmsMessage.objects.filter(phone=conversation.phone)
                  .order_by("-created_at", "-id")[:THREAD_LENGTH])
    latest.reverse()
    return latest

