"""Conversations: every ordinary reply reaches a person, and staff answer it from here.

- ``attend`` (the cluster, every minute and nudged after each text) first opens (or reopens)
  the conversation of every number with new ordinary texts (``open_from_texts``: read from
  ``sms_messages``, so the webhook writes nothing more than the text), then takes the
  conversations with a new text: picks the owner when it has none (``owner_for``) and
  emails the owner — or the conversation group when no rule gives a person — a link to the
  thread, once per unanswered spell. Each conversation is claimed with a compare-and-set on
  its newest text, so two workers never email twice for it; email is at most once.
- ``remind`` emails the group about conversations still unanswered after
  ``reminder_after_minutes``, once per spell.
- ``reply`` sends staff's answer through ``send_sms`` (purpose ``conversational``: opt-outs,
  do-not-text, idempotency and pacing hold; quiet hours do not) and marks the conversation
  answered when the text went (or will go) out.

Message bodies never go into email subjects or logs (subjects name the customer or the
masked number; the body is in the email's text only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from messaging.conf import messaging_conf
from messaging.models import (
    Conversation,
    ConversationState,
    Direction,
    Purpose,
    SmsMessage,
    SmsStatus,
)
from messaging.phones import mask_phone
from messaging.services.send import send_sms
from servicetitan import selectors as st

log = logging.getLogger(__name__)
LOOKBACK = timedelta(days=2)   # how far back texts open conversations (a stopped cluster)
# A reply in these states went, or will go, to the customer: the conversation is answered.
GOING_OUT = (SmsStatus.PENDING, SmsStatus.RETRYING, SmsStatus.ACCEPTED, SmsStatus.SCHEDULED,
             SmsStatus.QUEUED, SmsStatus.SENDING, SmsStatus.SENT, SmsStatus.DELIVERED,
             SmsStatus.READ)


class ReplyRefused(ValueError):
    """The reply cannot be sent as typed (empty, too long): nothing was written."""


def open_from_texts(now: datetime | None = None) -> int:
    """Open (or reopen) the conversation of every number with an ordinary inbound text of the
    last ``LOOKBACK`` that its conversation has not seen yet (``last_inbound_id``); returns
    how many conversations. The texts table is the source: nothing is lost between a text's
    commit and this, and the webhook never waits on a conversation row."""
    now = now or timezone.now()
    seen = Conversation.objects.filter(phone=OuterRef("phone"),
                                       last_inbound_id__gte=OuterRef("pk"))
    new = (SmsMessage.objects.filter(direction=Direction.INBOUND, intent="",
                                     created_at__gte=now - LOOKBACK)
           .filter(~Exists(seen)).order_by("id")
           .values_list("id", "phone", "customer_id", "created_at"))
    by_phone: dict[str, list[tuple]] = {}
    for row in new[:5000]:
        by_phone.setdefault(row[1], []).append(row)
    for phone, texts in by_phone.items():
        record_inbound(phone=phone, customer_id=texts[-1][2], message_id=texts[-1][0],
                       first_at=texts[0][3], last_at=texts[-1][3])
    return len(by_phone)


def record_inbound(*, phone: str, customer_id: int | None, message_id: int,
                   first_at: datetime, last_at: datetime) -> None:
    """Texts from ``phone`` (the first and last of them) open its conversation; one already
    answered by a reply sent after the last of them stays answered."""
    answered_after = SmsMessage.objects.filter(
        phone=phone, direction=Direction.OUTBOUND, created_at__gt=last_at,
        status__in=GOING_OUT).exclude(origin="").exists()
    fields = {"last_inbound_at": last_at, "last_inbound_id": message_id,
              "updated_at": timezone.now()}
    if not answered_after:
        fields.update(state=ConversationState.OPEN, needs_attention=True,
                      unanswered_since=_spell_start(first_at))
    if Conversation.objects.filter(phone=phone).update(**fields):
        if customer_id:
            Conversation.objects.filter(phone=phone, customer_id__isnull=True).update(
                customer_id=customer_id)
        return
    try:
        with transaction.atomic():
            Conversation.objects.create(
                phone=phone, customer_id=customer_id, last_inbound_at=last_at,
                last_inbound_id=message_id,
                state=ConversationState.ANSWERED if answered_after else ConversationState.OPEN,
                unanswered_since=None if answered_after else first_at,
                needs_attention=not answered_after)
    except IntegrityError:  # opened meanwhile by another worker
        record_inbound(phone=phone, customer_id=customer_id, message_id=message_id,
                       first_at=first_at, last_at=last_at)


def _spell_start(first_at: datetime) -> Case:
    """``unanswered_since``: kept while the conversation is open, else the first new text."""
    return Case(When(state=ConversationState.OPEN, unanswered_since__isnull=False,
                     then="unanswered_since"), default=Value(first_at))


@dataclass(frozen=True)
class Owner:
    user: object | None      # a staff user, or None: the conversation group has it
    rule: str


def owner_for(customer_id: int | None) -> Owner:
    """The staff user whose customer this is: the sold-by of their newest estimate, else the
    technician of their newest job — the ServiceTitan person matched to an active staff user
    by email (the mapping ``ghl.Employee`` uses for GHL users) — else the group."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    for why, person_id, email in st.people_for_customer(customer_id):
        user = users.filter(email__iexact=email).order_by("id").first()
        if user is not None:
            return Owner(user, f"{why} (ServiceTitan person {person_id})")
    group = messaging_conf().conversation_group
    return Owner(None, f"group {group}: no sold-by or technician with a staff login")


def attend(now: datetime | None = None, limit: int = 200) -> int:
    """Conversations opened from new texts, then the owner and first email of those with a
    new text; returns how many were attended."""
    now = now or timezone.now()
    open_from_texts(now)
    done = 0
    for conversation in Conversation.objects.filter(needs_attention=True).order_by("id")[:limit]:
        claimed = Conversation.objects.filter(
            pk=conversation.pk, needs_attention=True,
            last_inbound_id=conversation.last_inbound_id).update(needs_attention=False)
        if not claimed:
            continue
        done += 1
        if conversation.owner_id is None and not conversation.owner_rule:
            owner = owner_for(conversation.customer_id)
            Conversation.objects.filter(pk=conversation.pk).update(
                owner=owner.user, owner_rule=owner.rule[:255])
            conversation.owner, conversation.owner_rule = owner.user, owner.rule
        if conversation.state == ConversationState.OPEN:
            _notify(conversation, now)
    return done


def _notify(conversation: Conversation, now: datetime) -> None:
    """Email the owner (else the group), once per unanswered spell."""
    if conversation.unanswered_since is None:
        return
    first_time = Q(notified_at__isnull=True) | Q(notified_at__lt=conversation.unanswered_since)
    if not Conversation.objects.filter(first_time, pk=conversation.pk).update(notified_at=now):
        return
    owner = conversation.owner
    to = [owner.email] if owner is not None and owner.email else group_emails()
    _email(conversation, to, f"Text from {_who(conversation)} waiting for an answer",
           "A customer texted us and is waiting for an answer.")


def remind(now: datetime | None = None) -> int:
    """Email the group about conversations unanswered for ``reminder_after_minutes``."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=messaging_conf().reminder_after_minutes)
    due = Conversation.objects.filter(state=ConversationState.OPEN,
                                      unanswered_since__lte=cutoff).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("unanswered_since")))
    sent = 0
    for conversation in due.select_related("owner").order_by("unanswered_since")[:200]:
        if not Conversation.objects.filter(pk=conversation.pk, state=ConversationState.OPEN,
                                           reminded_at=conversation.reminded_at).update(
                reminded_at=now):
            continue
        minutes = int((now - conversation.unanswered_since).total_seconds() // 60)
        owner = conversation.owner
        _email(conversation, group_emails(),
               f"Reminder: {_who(conversation)} unanswered for {minutes} minutes",
               f"Nobody has answered this customer for {minutes} minutes"
               + (f" (owner: {owner.get_username()})." if owner else "."))
        sent += 1
    return sent


def group_emails() -> list[str]:
    group = messaging_conf().conversation_group
    users = get_user_model().objects.filter(groups__name=group, is_active=True).exclude(email="")
    return sorted({email.lower(): email for email in users.values_list("email", flat=True)}
                  .values())


def thread_url(conversation: Conversation) -> str:
    return settings.PUBLIC_BASE_URL + reverse("admin:messaging_conversation_change",
                                              args=[conversation.pk])


def _who(conversation: Conversation) -> str:
    customer = st.customer(conversation.customer_id)
    return customer.name if customer is not None and customer.name \
        else mask_phone(conversation.phone)


def _email(conversation: Conversation, to: list[str], subject: str, opening: str) -> None:
    if not to:
        log.warning("conversation %s: nobody to email (no owner email, group %r has no one "
                    "with an email)", conversation.pk, messaging_conf().conversation_group)
        return
    latest = SmsMessage.objects.filter(pk=conversation.last_inbound_id).only("body").first()
    body = (f"{opening}\n\nFrom: {_who(conversation)} ({conversation.phone})\n"
            f"Their text:\n\n{latest.body if latest else '(not found)'}\n\n"
            f"Answer it here: {thread_url(conversation)}\n\n"
            f"Owner: {conversation.owner.get_username() if conversation.owner else 'nobody'}"
            f" — {conversation.owner_rule}\n")
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                 to=to).send()
    log.info("conversation %s: emailed %d recipient(s)", conversation.pk, len(to))


def reply(*, conversation: Conversation, body: str, author: str, key: str,
          origin: str | None = None) -> SmsMessage:
    """Send ``body`` to the conversation's number as a conversational text; returns its row
    (``status`` says whether it went: ``blocked`` for an opted-out or do-not-text number).
    The same ``key`` never sends twice. Call outside a transaction."""
    from messaging.services.send import InvalidMessage

    try:
        message = send_sms(to=conversation.phone, body=body, purpose=Purpose.CONVERSATIONAL,
                           idempotency_key=f"reply-{key}", customer_id=conversation.customer_id,
                           origin=origin or f"staff:{author}")
    except InvalidMessage as exc:
        raise ReplyRefused(str(exc)) from None
    if message.status in GOING_OUT:
        mark_answered(phone=conversation.phone, by=author, at=message.created_at)
    return message


def mark_answered(*, phone: str, by: str, at: datetime) -> None:
    """A reply went to ``phone``: its open conversation is answered (a text received after
    ``at`` keeps it open)."""
    Conversation.objects.filter(phone=phone).update(last_outbound_at=at, updated_at=at)
    Conversation.objects.filter(phone=phone, state=ConversationState.OPEN).filter(
        Q(last_inbound_at__isnull=True) | Q(last_inbound_at__lte=at)).update(
        state=ConversationState.ANSWERED, unanswered_since=None, answered_by=by[:150],
        needs_attention=False)


def close(*, conversation_ids: list[int], by: str) -> int:
    return Conversation.objects.filter(pk__in=conversation_ids).exclude(
        state=ConversationState.CLOSED).update(state=ConversationState.CLOSED,
                                               unanswered_since=None, answered_by=by[:150],
                                               needs_attention=False, updated_at=timezone.now())


def unanswered_count(user) -> int:
    return Conversation.objects.filter(owner=user, state=ConversationState.OPEN).count()
