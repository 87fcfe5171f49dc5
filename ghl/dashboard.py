"""The GoHighLevel panel on the admin front page: mirror sizes, pushes, unmatched staff, the
last sync, the webhook deliveries given up, and what the conversation outbox still has to
tell GHL (waiting: GHL busy or down; given up: needs someone)."""

from __future__ import annotations

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from config.dashboard import ORANGE, RED, Panel, Tile, ago
from ghl.models import (
    ConversationOutbox,
    Employee,
    EstimateOpportunity,
    GHLContact,
    GHLOpportunity,
    SyncState,
    WebhookDelivery,
)


def ghl_panel(user) -> dict:
    links = dict(EstimateOpportunity.objects.values_list("state").annotate(n=Count("pk")))
    unmatched = Employee.objects.filter(ghl_user__isnull=True, active=True).count()
    last = SyncState.objects.aggregate(last=Max("last_success_at"))["last"]
    gave_up = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.GAVE_UP).count()
    outbox = dict(ConversationOutbox.objects.exclude(state=ConversationOutbox.State.DONE)
                  .values_list("state").annotate(n=Count("pk")))
    outbox_url = reverse("admin:ghl_conversationoutbox_changelist") + "?state__exact="
    return {"tiles": [
        Tile("contacts", GHLContact.objects.count(), reverse("admin:ghl_ghlcontact_changelist")),
        Tile("opportunities", GHLOpportunity.objects.count(),
             reverse("admin:ghl_ghlopportunity_changelist")),
        Tile("estimates pushed", sum(links.values()),
             reverse("admin:ghl_estimateopportunity_changelist")),
        Tile("unmatched staff", unmatched, reverse("admin:ghl_employee_changelist"),
             ORANGE if unmatched else ""),
        Tile("last sync", ago(timezone.now(), last) if last else "never"),
        Tile("webhooks given up", gave_up,
             reverse("admin:ghl_webhookdelivery_changelist") + "?status__exact=gave_up",
             RED if gave_up else ""),
        Tile("texts waiting for GHL", outbox.get("pending", 0), outbox_url + "pending",
             ORANGE if outbox.get("pending") else ""),
        Tile("texts GHL gave up on", outbox.get("gave_up", 0), outbox_url + "gave_up",
             RED if outbox.get("gave_up") else ""),
    ]}


PANELS = (Panel("GoHighLevel", "ghl.view_estimateopportunity", ghl_panel, order=40),)
