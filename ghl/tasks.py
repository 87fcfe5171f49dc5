"""django-q2 tasks: thin wrappers over the GHL services (ids and names in, statuses out)."""

from __future__ import annotations

import uuid

from config.locks import shared_by_hosts
from ghl.services import auto_push, dnd, outbox
from ghl.services.deliveries import retry_due
from ghl.services.sync import enqueue_each, sync, sync_one


def sync_all() -> dict[str, str]:
    """The scheduled run: one ``sync_feed`` task per resource ("queued"), for whichever
    worker of whichever cluster is free; on the SQLite default (one writer at a time) every
    resource here, one after another."""
    if not shared_by_hosts():
        return {entry.resource: str(entry.status) for entry in sync()}
    return enqueue_each()


def sync_feed(resource: str, run_id: str = "") -> str:
    """One resource (contacts from their watermark) under its lock: "busy" when another
    sync of it was running."""
    return str(sync_one(resource, run_id=uuid.UUID(run_id) if run_id else None).status)


def mirror_sms_preference(phone: str, opted_out: bool) -> list[str]:
    """An opt-out or opt-in made here, onto the GHL contacts with that phone. The number's
    state is read when the task runs; ``opted_out`` (the state when it was queued) is only
    logged, so an old task run late or again never clears DND for a number opted out now."""
    return dnd.mirror_preference(phone, queued_state=opted_out)


def reconcile_sms_dnd() -> int:
    """What the preference hook may have missed (it is at-most-once)."""
    return dnd.reconcile()


def retry_webhook_deliveries() -> dict[str, int]:
    """Every minute: the accepted webhook deliveries left pending or failed, applied again
    (``ghl.services.deliveries.retry_due``)."""
    return retry_due()


def drain_conversation_outbox() -> dict[str, int]:
    """Every minute, and nudged after texts: new texts and statuses into the outbox, then the
    due rows sent to GHL (``ghl.services.outbox``)."""
    if not outbox.enabled():
        return {"collected": 0}
    collected = outbox.collect()
    drained = outbox.drain()
    return {"collected": collected, **drained.__dict__}


def push_changed_estimates() -> dict[str, int | bool]:
    """Every minute: new and changed estimates pushed as opportunities, a batch at a time
    (``ghl.services.auto_push``)."""
    outcome = auto_push.push_changed()
    return {"pushed": len(outcome.pushed), "failed": len(outcome.failed), "busy": outcome.busy}


# What the task queue may run (config/taskqueue.py).
TASKS = (sync_all, sync_feed, mirror_sms_preference, reconcile_sms_dnd, retry_webhook_deliveries,
         drain_conversation_outbox, push_changed_estimates)
