"""SMS opt-outs kept in step between GHL and us (GHL calls it DND).

- GHL → us: a contact whose SMS DND is on (``dndSettings.SMS`` active or permanent, or
  ``dnd`` for every channel), learnt from a webhook or from the sync, opts its phone out here,
  source ``ghl``, in the transaction that writes the contact. Turning it off opts the phone
  back in only when the opt-out here came from GHL (a STOP texted to us is not undone by a GHL
  setting). The opt-out table stays the one record of consent: ``send_sms`` checks it (under
  the number's lock), and an opt-out cancels queued texts and workflow steps, whatever its
  source.
- Us → GHL: every opt-out or opt-in made here by anything but GHL (``messaging.hooks``) queues
  ``ghl.tasks.mirror_sms_preference``, which sets ``dndSettings.SMS`` on the GHL contacts with
  that phone to the number's state *when it runs* (a late or repeated task never clears DND
  for a number opted out since). The hook is at-most-once, so ``reconcile`` (scheduled)
  re-sends whatever changed here since its last run and GHL does not show yet, and opts out
  here the DND contacts whose number has no consent record yet.
"""

from __future__ import annotations

import logging

from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from ghl.client import GHLClient, record
from ghl.models import GHLContact, SyncState
from ghl.services.contacts import mirror_contact
from messaging.hooks import PreferenceNotice
from messaging.models import CommunicationPreference, OptOutSource
from messaging.phones import InvalidPhoneNumber, mask_phone
from messaging.policy import is_opted_out
from messaging.services import preferences

log = logging.getLogger(__name__)
ACTOR = "GHL"


def _blocked(contact: GHLContact | None) -> bool:
    return contact is not None and not contact.deleted and (contact.dnd or bool(contact.sms_dnd))


def mirror_from_ghl(before: GHLContact | None, after: GHLContact) -> None:
    """Called for each contact a webhook or a sync page wrote (``apply.CONTACT_LISTENERS``),
    in its transaction. DND on opts the phone out when it just came on, or when the number has
    no consent record here yet (a contact that already had DND when it was first mirrored);
    DND off opts back in only what GHL opted out."""
    phone = after.phone_e164
    if not phone:
        if after.phone and _blocked(after):  # GHL holds numbers we could never text anyway
            log.info("GHL contact %s: DND not mirrored: its phone is not a phone number",
                     after.id)
        return
    if _blocked(after) and (not _blocked(before) or not _has_record(phone)):
        _opt_out(after, phone)
    elif _blocked(before) and not _blocked(after) and CommunicationPreference.objects.filter(
            phone=phone, sms_opted_out=True, opt_out_source=OptOutSource.GHL).exists():
        preferences.opt_in(phone=phone, source=OptOutSource.GHL, actor=ACTOR,
                           reason=f"SMS DND cleared in GHL (contact {after.id})")


def _has_record(phone: str) -> bool:
    return CommunicationPreference.objects.filter(phone=phone).exists()


def _opt_out(contact: GHLContact, phone: str) -> None:
    try:
        preferences.opt_out(phone=phone, source=OptOutSource.GHL, actor=ACTOR,
                            reason=f"SMS DND set in GHL (contact {contact.id})",
                            customer_id=contact.st_customer_id)
    except InvalidPhoneNumber as exc:
        log.info("GHL contact %s: DND not mirrored: %s", contact.id, exc)


def on_preference_change(notice: PreferenceNotice) -> None:
    """``messaging.hooks`` callback: queue the GHL update (never echo GHL's own change)."""
    if notice.source == OptOutSource.GHL:
        return
    async_task("ghl.tasks.mirror_sms_preference", notice.phone, notice.opted_out,
               task_name=f"ghl-dnd {mask_phone(notice.phone)}")


def mirror_preference(phone: str, *, queued_state: bool | None = None,
                      client: GHLClient | None = None) -> list[str]:
    """Set SMS DND on the GHL contacts with ``phone`` to the number's state now: on when it
    is opted out here, off when it is not. Reading the state here, rather than trusting the
    one a queued task carries (``queued_state``), means a task run late or twice never clears
    DND for a number that opted out meanwhile."""
    opted_out = is_opted_out(phone)
    if queued_state is not None and queued_state != opted_out:
        log.info("SMS DND for %s: the number is %s now, as GHL will be told", mask_phone(phone),
                 "opted out" if opted_out else "opted in")
    return set_sms_dnd(phone, opted_out, client)


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
    known = list(GHLContact.objects.filter(phone_e164=phone, deleted=False)
                 .values_list("id", flat=True))
    if known:
        return known
    answer = client.post("/contacts/search", {
        "locationId": client.location_id, "pageLimit": 20,
        "filters": [{"field": "phone", "operator": "eq", "value": phone}]})
    return [c["id"] for c in answer.get("contacts") or []]


def reconcile(client: GHLClient | None = None) -> int:
    """Re-send our opt-outs and opt-ins changed since the last run (not GHL's own) whose GHL
    contacts do not show them yet; returns how many numbers were sent. First, opt out here the
    mirrored DND contacts whose number has no consent record (``adopt_ghl_dnd``)."""
    adopt_ghl_dnd()
    state, _ = SyncState.objects.get_or_create(resource="sms_dnd")
    started = timezone.now()
    changed = CommunicationPreference.objects.exclude(opt_out_source=OptOutSource.GHL,
                                                      sms_opted_out=True)
    if state.watermark:
        changed = changed.filter(updated_at__gte=state.watermark)
    sent = 0
    for preference in changed.only("phone", "sms_opted_out"):
        mirrored = GHLContact.objects.filter(phone_e164=preference.phone, deleted=False)
        if mirrored.exists() and all(_blocked(c) == preference.sms_opted_out for c in mirrored):
            continue
        set_sms_dnd(preference.phone, preference.sms_opted_out, client)
        sent += 1
    state.watermark, state.last_success_at = started, timezone.now()
    state.save()
    return sent


def adopt_ghl_dnd() -> int:
    """Opt out here, source ``ghl``, every number of a mirrored contact with DND on that has no
    consent record here at all (contacts mirrored with DND before their DND was read, or whose
    write was missed). A number with a record, opted back in by staff say, is left as it is.
    Returns how many numbers were opted out."""
    contacts = (GHLContact.objects.filter(deleted=False, phone_e164__isnull=False)
                .filter(Q(dnd=True) | Q(sms_dnd=True))
                .exclude(phone_e164__in=CommunicationPreference.objects.values("phone"))
                .order_by("phone_e164", "id"))
    numbers: dict[str, GHLContact] = {}
    for contact in contacts:
        numbers.setdefault(contact.phone_e164, contact)
    for phone, contact in numbers.items():
        _opt_out(contact, phone)
    return len(numbers)
