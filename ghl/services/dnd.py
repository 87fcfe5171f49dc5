"""SMS opt-outs kept in step between GHL and us (GHL calls it DND).

- GHL → us: a webhook that turns a contact's SMS DND on (``dndSettings.SMS`` active or
  permanent, or ``dnd`` for every channel) opts its phone out here, source ``ghl``; turning it
  off opts the phone back in only when the opt-out here came from GHL (a STOP texted to us is
  not undone by a GHL setting).
- Us → GHL: every opt-out or opt-in made here by anything but GHL (``messaging.hooks``) queues
  ``ghl.tasks.mirror_sms_preference``, which sets ``dndSettings.SMS`` on the GHL contacts with
  that phone. The hook is at-most-once, so ``reconcile`` (scheduled) re-sends whatever
  changed here since its last run and GHL does not show yet.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_q.tasks import async_task

from ghl.client import GHLClient, record
from ghl.models import GHLContact, SyncState
from ghl.services.contacts import mirror_contact
from messaging.hooks import PreferenceNotice
from messaging.models import CommunicationPreference, OptOutSource
from messaging.phones import InvalidPhoneNumber, mask_phone
from messaging.services import preferences

log = logging.getLogger(__name__)
ACTOR = "GHL"


def _blocked(contact: GHLContact | None) -> bool:
    return contact is not None and not contact.deleted and (contact.dnd or bool(contact.sms_dnd))


def mirror_from_ghl(before: GHLContact | None, after: GHLContact) -> None:
    """Called for each contact a webhook changed (``apply.CONTACT_LISTENERS``)."""
    if not after.phone or _blocked(before) == _blocked(after):
        return
    reason = f"SMS DND {'set' if _blocked(after) else 'cleared'} in GHL (contact {after.id})"
    try:
        if _blocked(after):
            preferences.opt_out(phone=after.phone, source=OptOutSource.GHL, actor=ACTOR,
                                reason=reason, customer_id=after.st_customer_id)
        elif CommunicationPreference.objects.filter(
                phone=after.phone, sms_opted_out=True, opt_out_source=OptOutSource.GHL).exists():
            preferences.opt_in(phone=after.phone, source=OptOutSource.GHL, actor=ACTOR,
                               reason=reason)
    except InvalidPhoneNumber as exc:  # GHL holds numbers we could never text anyway
        log.info("GHL contact %s: DND not mirrored: %s", after.id, exc)


def on_preference_change(notice: PreferenceNotice) -> None:
    """``messaging.hooks`` callback: queue the GHL update (never echo GHL's own change)."""
    if notice.source == OptOutSource.GHL:
        return
    async_task("ghl.tasks.mirror_sms_preference", notice.phone, notice.opted_out,
               task_name=f"ghl-dnd {mask_phone(notice.phone)}")


def set_sms_dnd(phone: str, on: bool, client: GHLClient | None = None) -> list[str]:
    """Set ``dndSettings.SMS`` on every GHL contact with ``phone``; returns their ids."""
    client = client or GHLClient()
    ids = _contact_ids(client, phone)
    status = "active" if on else "inactive"
    message = "opted out of texts" if on else "opted back in to texts"
    for contact_id in ids:
        path = f"/contacts/{contact_id}"
        answer = client.put(path, {"dndSettings": {"SMS": {"status": status,
                                                           "message": message}}})
        mirror_contact(record(answer, "contact", path), None)
    log.info("SMS DND %s in GHL for %s (%d contact(s))", status, mask_phone(phone), len(ids))
    return ids


def _contact_ids(client: GHLClient, phone: str) -> list[str]:
    """From the mirror; else GHL's search (the mirror may not have the contact yet)."""
    known = list(GHLContact.objects.filter(phone=phone, deleted=False)
                 .values_list("id", flat=True))
    if known:
        return known
    answer = client.post("/contacts/search", {
        "locationId": client.location_id, "pageLimit": 20,
        "filters": [{"field": "phone", "operator": "eq", "value": phone}]})
    return [c["id"] for c in answer.get("contacts") or []]


def reconcile(client: GHLClient | None = None) -> int:
    """Re-send our opt-outs and opt-ins changed since the last run (not GHL's own) whose GHL
    contacts do not show them yet; returns how many numbers were sent."""
    state, _ = SyncState.objects.get_or_create(resource="sms_dnd")
    started = timezone.now()
    changed = CommunicationPreference.objects.exclude(opt_out_source=OptOutSource.GHL,
                                                      sms_opted_out=True)
    if state.watermark:
        changed = changed.filter(updated_at__gte=state.watermark)
    sent = 0
    for preference in changed.only("phone", "sms_opted_out"):
        mirrored = GHLContact.objects.filter(phone=preference.phone, deleted=False)
        if mirrored.exists() and all(_blocked(c) == preference.sms_opted_out for c in mirrored):
            continue
        set_sms_dnd(preference.phone, preference.sms_opted_out, client)
        sent += 1
    state.watermark, state.last_success_at = started, timezone.now()
    state.save()
    return sent
