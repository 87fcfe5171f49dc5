"""The workflow events GHL changes emit: ``ghl.contact.updated`` and
``ghl.opportunity.updated`` (payload ``change``: created, updated or deleted).

Written in the transaction of the change (``workflows.events.record_events``). The entity is
the GHL record (``ghl_contact`` / ``ghl_opportunity``); the payload also carries the linked
ServiceTitan ids (``estimate_id``, ``customer_id``) so workflows can correlate on them.
"""

from __future__ import annotations

from collections.abc import Iterable

from ghl.models import EstimateOpportunity, GHLContact, GHLOpportunity
from workflows.entities import plain
from workflows.events import Event, record_events


def opportunity_events(opportunities: Iterable[GHLOpportunity], change: str,
                       ghl_event: str = "") -> list[Event]:
    opportunities = list(opportunities)
    links = dict(EstimateOpportunity.objects.filter(
        opportunity_id__in=[o.id for o in opportunities]).values_list("opportunity_id",
                                                                       "estimate_id"))
    return [Event("ghl.opportunity.updated", "ghl_opportunity", o.id, source="ghl", payload={
        "change": change, "ghl_event": ghl_event, "opportunity_id": o.id, "name": o.name,
        "status": o.status, "pipeline_id": o.pipeline_id,
        "pipeline_stage_id": o.pipeline_stage_id, "monetary_value": plain(o.monetary_value),
        "assigned_to": o.assigned_to, "contact_id": o.contact_id,
        "estimate_id": links.get(o.id)}) for o in opportunities]


def contact_events(contacts: Iterable[GHLContact], change: str,
                   ghl_event: str = "") -> list[Event]:
    return [Event("ghl.contact.updated", "ghl_contact", c.id, source="ghl", payload={
        "change": change, "ghl_event": ghl_event, "contact_id": c.id, "name": c.name,
        "email": c.email, "phone": c.phone, "dnd": c.dnd, "sms_dnd": c.sms_dnd,
        "tags": c.tags, "customer_id": c.st_customer_id}) for c in contacts]


def emit(events: list[Event]) -> None:
    record_events(events)
