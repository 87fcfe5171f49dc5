"""Opt-outs and opt-ins: the only writer of ``customer_communication_preferences``.

Every change, in one transaction: the preference row, an audit row (who, from where, why),
the workflow event (``sms.opted_out`` / ``sms.opted_in``) and, for an opt-out, cancelling
what was still going to text the number — its deferred and retrying texts, and the
customer's workflow instances whose next step is a ``send_sms``. Subscribers of
``messaging.hooks`` hear of it after the commit. Asking for the state a number is already
in changes nothing and returns ``changed=False``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from messaging import hooks, policy
from messaging.locks import lock_number
from messaging.models import (
    RESUMABLE,
    CommunicationPreference,
    Direction,
    OptOutSource,
    PreferenceAction,
    PreferenceChange,
    SmsMessage,
    SmsStatus,
)
from messaging.phones import mask_phone, preference_key
from servicetitan.selectors import customer_for_phone, customer_ids_for_phone
from workflows.events import Event, record_event
from workflows.services import cancel_instances_for_customer

log = logging.getLogger(__name__)
# Where the workflow event says it came from.
EVENT_SOURCES = {OptOutSource.KEYWORD: "twilio", OptOutSource.FREE_TEXT: "twilio",
                 OptOutSource.CARRIER: "twilio"}

__all__ = ["PreferenceResult", "confirm_review", "is_opted_out", "opt_in", "opt_out"]


@dataclass(frozen=True)
class PreferenceResult:
    preference: CommunicationPreference | None
    changed: bool
    cancelled_texts: int = 0
    cancelled_instances: tuple[int, ...] = ()


def _source(source: str) -> OptOutSource:
    try:
        return OptOutSource(source)
    except ValueError:
        raise ValueError(f"unknown opt-out source {source!r}; known: "
                         f"{', '.join(OptOutSource.values)}") from None


def is_opted_out(phone: str) -> bool:
    """True when the number opted out of texts (any source). Accepts any usual spelling;
    raises ``InvalidPhoneNumber`` for what is not a phone number."""
    return policy.is_opted_out(preference_key(phone))


@transaction.atomic
def opt_out(*, phone: str, source: str, actor: str, reason: str = "",
            customer_id: int | None = None, message: SmsMessage | None = None,
            needs_review: bool = False, now: datetime | None = None) -> PreferenceResult:
    """Opt ``phone`` out of texts. Raises ``InvalidPhoneNumber`` or ``ValueError`` (source).

    Takes the number's lock first (``messaging.locks``): a text being handed to Twilio at this
    moment finishes first; any text after the commit finds the number opted out."""
    phone, source, now = preference_key(phone), _source(source), now or timezone.now()
    lock_number(phone)
    customer_id = customer_id or customer_for_phone(phone)
    preference, _ = CommunicationPreference.objects.select_for_update().get_or_create(
        phone=phone, defaults={"customer_id": customer_id})
    if preference.sms_opted_out:
        return PreferenceResult(preference, changed=False)
    preference.sms_opted_out, preference.opted_out_at, preference.opt_out_source = (
        True, now, source)
    preference.needs_review = needs_review
    preference.review_message = message if needs_review else None
    preference.customer_id = preference.customer_id or customer_id
    preference.save()
    _audit(preference, PreferenceAction.OPTED_OUT, source, actor, reason, message)
    texts = SmsMessage.objects.filter(direction=Direction.OUTBOUND, phone=phone,
                                      status__in=RESUMABLE).update(
        status=SmsStatus.CANCELED, send_after=None, updated_at=now,
        error_message=f"canceled: the number opted out ({source})")
    instances = _cancel_workflow_texts(phone, preference.customer_id, source, actor)
    _announce("sms.opted_out", preference, source, actor, reason, message)
    log.info("%s opted out (%s, by %s): %d texts and %d workflow instances cancelled",
             mask_phone(phone), source, actor, texts, len(instances))
    return PreferenceResult(preference, True, texts, tuple(instances))


@transaction.atomic
def opt_in(*, phone: str, source: str, actor: str, reason: str = "",
           message: SmsMessage | None = None, now: datetime | None = None) -> PreferenceResult:
    """Let ``phone`` be texted again. Twilio keeps blocking a number that texted STOP until it
    texts START itself: staff opting a number back in only lifts our own block."""
    phone, source, now = preference_key(phone), _source(source), now or timezone.now()
    preference = CommunicationPreference.objects.select_for_update().filter(phone=phone).first()
    if preference is None or not preference.sms_opted_out:
        return PreferenceResult(preference, changed=False)
    preference.sms_opted_out, preference.opted_in_at = False, now
    preference.needs_review, preference.review_message = False, None
    preference.save()
    _audit(preference, PreferenceAction.OPTED_IN, source, actor, reason, message)
    _announce("sms.opted_in", preference, source, actor, reason, message)
    log.info("%s opted back in (%s, by %s)", mask_phone(phone), source, actor)
    return PreferenceResult(preference, True)


@transaction.atomic
def confirm_review(*, phone: str, actor: str, reason: str) -> PreferenceResult:
    """Staff agree a free-text reply was an opt-out: it leaves the review queue, still
    opted out."""
    preference = CommunicationPreference.objects.select_for_update().filter(
        phone=preference_key(phone), needs_review=True).first()
    if preference is None:
        return PreferenceResult(None, changed=False)
    preference.needs_review = False
    preference.save(update_fields=["needs_review", "updated_at"])
    _audit(preference, PreferenceAction.REVIEWED, OptOutSource.STAFF, actor, reason, None)
    return PreferenceResult(preference, True)


def _audit(preference: CommunicationPreference, action: str, source: str, actor: str,
           reason: str, message: SmsMessage | None) -> None:
    PreferenceChange.objects.create(preference=preference, action=action, source=source,
                                    actor=actor[:150], reason=reason, message=message)


def _cancel_workflow_texts(phone: str, customer_id: int | None, source: str,
                           actor: str) -> list[int]:
    customer_ids = dict.fromkeys(([customer_id] if customer_id else [])
                                 + customer_ids_for_phone(phone))
    cancelled: list[int] = []
    for cid in customer_ids:
        cancelled += cancel_instances_for_customer(
            customer_id=cid, actor=actor, only_pending_step_type="send_sms",
            reason=f"{mask_phone(phone)} opted out of texts ({source})")
    return cancelled


def _announce(event_type: str, preference: CommunicationPreference, source: str, actor: str,
              reason: str, message: SmsMessage | None) -> None:
    customer_id = preference.customer_id
    entity = ("customer", customer_id) if customer_id else ("phone", preference.phone)
    record_event(Event(event_type, *entity, source=EVENT_SOURCES.get(source, source), payload={
        "phone": preference.phone, "customer_id": customer_id, "source": source,
        "message_id": message.pk if message else None, "body": message.body if message else "",
    }))
    hooks.announce(hooks.PreferenceNotice(
        phone=preference.phone, opted_out=preference.sms_opted_out, source=source,
        actor=actor, customer_id=customer_id, reason=reason))
