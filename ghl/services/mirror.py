"""Writing pages of GHL records into the mirror, one transaction per page.

Rows are bulk-upserted (``ghl.upsert``: never back in time, unchanged rows untouched). A record
that already was in the mirror and changed in a tracked field emits its ``ghl.*.updated``
event in the same transaction; first imports emit nothing (they are not news). Every contact
a page wrote is also handed to the contact listeners (``apply.CONTACT_LISTENERS``: SMS DND
becomes an opt-out here), as a webhook's is, in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import models, transaction

from ghl.models import GHLContact, GHLOpportunity, GHLPipeline, GHLPipelineStage, GHLUser
from ghl.services import events
from ghl.services.apply import CONTACT_LISTENERS
from ghl.services.records import TRACKED, contact_row, opportunity_row, user_row
from ghl.upsert import upsert
from messaging.locks import lock_numbers

Row = dict[str, Any]
log = logging.getLogger(__name__)


def _records(records: list[Any]) -> list[dict[str, Any]]:
    """The records that are records (an object with an id); others are logged and skipped
    rather than failing the page."""
    good = [r for r in records if isinstance(r, dict) and r.get("id")]
    if len(good) < len(records):
        log.warning("skipped %d GHL record(s) without an id", len(records) - len(good))
    return good


def _same_fields(rows: list[Row]) -> list[Row]:
    """Keep only the fields every row has (a field some records lack, like ``sms_dnd`` when
    GHL sent no ``dndSettings``, is left alone rather than cleared)."""
    common = set.intersection(*(set(row) for row in rows)) if rows else set()
    return [{k: v for k, v in row.items() if k in common} for row in rows]


def _write_tracked(model: type[models.Model], kind: str, rows: list[Row],
                   make_events: Callable[..., list[events.Event]]) -> set[str]:
    """Upsert ``rows``, announce tracked changes; returns the ids written."""
    rows = _same_fields(rows)
    tracked = [f for f in TRACKED[kind] if rows and f in rows[0]]
    before = {obj[0]: obj[1:] for obj in model.objects.filter(
        id__in=[r["id"] for r in rows]).values_list("id", *tracked)}
    written = upsert(model, rows)
    changed = [r["id"] for r in rows if r["id"] in written and r["id"] in before
               and before[r["id"]] != tuple(r[f] for f in tracked)]
    if changed:
        events.emit(make_events(model.objects.filter(id__in=changed), "updated"))
    return written


@transaction.atomic
def write_contacts(records: list[dict[str, Any]], now: datetime) -> int:
    rows = [contact_row(record, now=now) for record in _records(records)]
    before = GHLContact.objects.in_bulk([row["id"] for row in rows]) if CONTACT_LISTENERS \
        else {}
    written = _write_tracked(GHLContact, "contact", rows, events.contact_events)
    if CONTACT_LISTENERS and written:
        changed = list(GHLContact.objects.filter(id__in=written))
        # DND opt-outs lock their numbers: all at once, in order (no deadlock with an import).
        lock_numbers(c.phone_e164 for c in changed if c.phone_e164 and (c.dnd or c.sms_dnd))
        for after in changed:
            for listener in CONTACT_LISTENERS:
                listener(before.get(after.id), after)
    return len(written)


@transaction.atomic
def write_opportunities(records: list[dict[str, Any]], now: datetime) -> int:
    rows = [opportunity_row(record, now=now) for record in _records(records)]
    return len(_write_tracked(GHLOpportunity, "opportunity", rows, events.opportunity_events))


@transaction.atomic
def write_pipelines(records: list[dict[str, Any]], now: datetime) -> int:
    """Pipelines and their stages; those GHL no longer lists are marked inactive."""
    records = _records(records)
    pipelines = [{"id": p["id"], "name": p.get("name") or "", "active": True, "raw": p,
                  "location_id": p.get("locationId") or "", "synced_at": now}
                 for p in records]
    stages = [{"id": s["id"], "pipeline_id": p["id"], "name": s.get("name") or "",
               "position": s.get("position") if isinstance(s.get("position"), int) else i,
               "active": True, "raw": s, "synced_at": now}
              for p in records for i, s in enumerate(_records(p.get("stages") or []))]
    written = len(upsert(GHLPipeline, pipelines)) + len(upsert(GHLPipelineStage, stages))
    if pipelines:  # an empty answer is more likely a glitch than a location with none
        GHLPipeline.objects.exclude(id__in=[p["id"] for p in pipelines]).update(active=False)
        GHLPipelineStage.objects.exclude(id__in=[s["id"] for s in stages]).update(active=False)
    return written


@transaction.atomic
def write_users(records: list[dict[str, Any]], now: datetime) -> int:
    rows = [user_row(record, now=now) for record in _records(records)]
    written = len(upsert(GHLUser, rows))
    if rows:  # as for pipelines: an empty answer does not unmap everyone
        GHLUser.objects.exclude(id__in=[r["id"] for r in rows]).update(active=False)
    return written
