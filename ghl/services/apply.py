"""Applying a GHL webhook event to the mirror, so that any number of events, in any order,
converge on GHL's latest state.

An event carries the whole record (flat, see the webhook examples) and a ``timestamp``. It is
written only when that time is not older than the state already held (``ghl.upsert``), so a
late event never undoes a newer one, and the several events GHL fires for one change
(OpportunityUpdate + OpportunityStatusUpdate, …) leave one state and one workflow event.
Deletions mark the row deleted (and are kept even for a record we never saw, so its late
create cannot bring it back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from ghl.models import GHLContact, GHLOpportunity, WebhookDelivery
from ghl.services import events
from ghl.services.records import TRACKED, contact_row, opportunity_row
from ghl.upsert import upsert

Status = WebhookDelivery.Status
EVENT_KEYS = ("type", "timestamp", "webhookId")  # the envelope, not the record


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    to_row: Callable[..., dict[str, Any]]
    make_events: Callable[..., list[events.Event]]


CONTACT = Kind("contact", GHLContact, contact_row, events.contact_events)
OPPORTUNITY = Kind("opportunity", GHLOpportunity, opportunity_row, events.opportunity_events)
# GHL event type → (kind, deleting?)
HANDLED: dict[str, tuple[Kind, bool]] = {
    **{t: (CONTACT, False) for t in ("ContactCreate", "ContactUpdate", "ContactDndUpdate",
                                     "ContactTagUpdate")},
    "ContactDelete": (CONTACT, True),
    **{t: (OPPORTUNITY, False) for t in (
        "OpportunityCreate", "OpportunityUpdate", "OpportunityStatusUpdate",
        "OpportunityStageUpdate", "OpportunityMonetaryValueUpdate",
        "OpportunityAssignedToUpdate")},
    "OpportunityDelete": (OPPORTUNITY, True),
}
# Called with (before, after) for every contact an event changed (DND mirroring hooks in).
CONTACT_LISTENERS: list[Callable[[GHLContact | None, GHLContact], None]] = []


def apply_event(event: dict[str, Any], moment: datetime) -> str:
    """Apply one accepted event; returns the delivery status (applied, unchanged, ignored).
    ``ValueError`` for an event of a handled type that names no record."""
    handled = HANDLED.get(event.get("type", ""))
    location = event.get("locationId")
    if handled is None or (location and location != settings.GHL.location_id):
        return Status.IGNORED
    if not isinstance(event.get("id"), str) or not event["id"]:
        raise ValueError(f"a {event['type']} event without a record id")
    kind, deleting = handled
    return _apply(kind, event, moment, deleting)


@transaction.atomic
def _apply(kind: Kind, event: dict[str, Any], moment: datetime, deleting: bool) -> str:
    record = {k: v for k, v in event.items() if k not in EVENT_KEYS}
    before = kind.model.objects.select_for_update().filter(id=record["id"]).first()
    now = timezone.now()
    if deleting:
        row = {"id": record["id"], "deleted": True, "as_of": moment, "synced_at": now}
    else:
        row = kind.to_row(record, now=now, as_of=moment, partial=True)
        row["raw"] = {**(before.raw if before else {}), **record}
    if not upsert(kind.model, [row]):
        return Status.UNCHANGED
    after = kind.model.objects.get(id=record["id"])
    change = _change(kind, before, after)
    if change is None:
        return Status.UNCHANGED
    events.emit(kind.make_events([after], change, event["type"]))
    if kind is CONTACT:
        for listener in CONTACT_LISTENERS:
            listener(before, after)
    return Status.APPLIED


def _change(kind: Kind, before: models.Model | None, after: models.Model) -> str | None:
    """created / updated / deleted, or None when no tracked field changed."""
    if after.deleted:
        return "deleted" if before is not None and not before.deleted else None
    if before is None or before.deleted:
        return "created"
    fields = TRACKED[kind.name]
    changed = any(getattr(before, f) != getattr(after, f) for f in fields)
    return "updated" if changed else None
