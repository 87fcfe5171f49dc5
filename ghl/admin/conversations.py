"""GHL conversations in the admin: the outbox (what GHL is told, with "try again" for given-up
rows) and the texts reps sent from GHL."""

from __future__ import annotations

from django.contrib import admin

from config.admin_base import ReadOnlyAdmin
from config.badges import badge
from ghl.admin.base import per_row_action
from ghl.models import ConversationOutbox, ProviderMessage
from ghl.services.outbox import requeue


class NotGivenUp(Exception):
    pass


def _try_again(item: ConversationOutbox) -> str:
    if item.state != ConversationOutbox.State.GAVE_UP:
        raise NotGivenUp(f"it is {item.get_state_display()}")
    requeue([item.pk])
    return item.key


@admin.register(ConversationOutbox)
class ConversationOutboxAdmin(ReadOnlyAdmin):
    operate_permission = "ghl.change_conversationoutbox"
    empty_hint = ("Nothing for GHL's conversations yet. Texts in and out are queued here for "
                  "GHL when GHL is on.")
    list_display = ("created_at", "key", "kind", "state_badge", "attempts", "next_attempt_at",
                    "ghl_message_id", "last_error")
    list_filter = ("state", "kind")
    search_fields = ("=key", "=ghl_message_id")
    raw_id_fields = ("sms_message",)
    actions = [per_row_action("try_again", "Try again", _try_again, (NotGivenUp,))]

    @admin.display(description="state", ordering="state")
    def state_badge(self, obj: ConversationOutbox):
        return badge(obj.state)


@admin.register(ProviderMessage)
class ProviderMessageAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "ghl_message_id", "contact_id", "user_id", "sms_message")
    search_fields = ("=ghl_message_id", "=contact_id", "phone")
    raw_id_fields = ("sms_message",)
    list_select_related = ("sms_message",)
