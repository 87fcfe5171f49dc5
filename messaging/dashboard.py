"""The texting panel on the admin front page: the user's unanswered conversations (and
everyone's), texts per day, opt-outs, the review queue."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from config.dashboard import BLUE, GREEN, ORANGE, RED, Panel, Tile, bar_chart, per_day
from messaging.models import (
    CommunicationPreference,
    Conversation,
    ConversationState,
    Direction,
    SmsMessage,
)


def texting_panel(user) -> dict:
    days = per_day(SmsMessage.objects, "created_at", {
        "sent": Q(direction=Direction.OUTBOUND) & ~Q(status__in=["failed", "undelivered",
                                                                  "blocked"]),
        "failed": Q(direction=Direction.OUTBOUND, status__in=["failed", "undelivered"]),
        "received": Q(direction=Direction.INBOUND),
    })
    week = timezone.now() - timedelta(days=7)
    review = CommunicationPreference.objects.filter(needs_review=True).count()
    return {
        "tiles": [*conversation_tiles(user),
            Tile("texts today", sum(days[-1][1].values()) if days else 0,
                 reverse("admin:messaging_smsmessage_changelist")),
            Tile("opted out", CommunicationPreference.objects.filter(sms_opted_out=True).count(),
                 reverse("admin:messaging_communicationpreference_changelist")
                 + "?sms_opted_out__exact=1"),
            Tile("opt-outs this week", CommunicationPreference.objects.filter(
                opted_out_at__gte=week, sms_opted_out=True).count()),
            Tile("to review", review, reverse("admin:messaging_optoutreview_changelist"),
                 ORANGE if review else ""),
        ],
        "chart": bar_chart(days, {"sent": GREEN, "failed": RED, "received": BLUE},
                           "texts per day"),
    }


def conversation_tiles(user) -> list[Tile]:
    """Conversations waiting for an answer: the user's own, and all of them."""
    unanswered = Conversation.objects.filter(state=ConversationState.OPEN)
    mine = unanswered.filter(owner=user).count()
    url = reverse("admin:messaging_conversation_changelist") + "?state__exact=open"
    return [Tile("unanswered, yours", mine, url + "&mine=1", ORANGE if mine else ""),
            Tile("unanswered, all", unanswered.count(), url)]


PANELS = (Panel("Texting", "messaging.view_smsmessage", texting_panel, order=30),)
