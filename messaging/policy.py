"""May this text go to this number now? ``check`` answers with a ``Verdict``: allowed,
blocked (and why) or deferred (and until when).

Blocked, for every purpose: the number opted out (our table, whatever the source), a
ServiceTitan contact with this number is marked do-not-text (column or
``phoneSettings.doNotText``), or a customer with this number is flagged do-not-service.
Blocked for marketing only: the customer is flagged do-not-mail, or the contact's
``preferences.marketingUpdatesEnabled`` is false (``jobRemindersEnabled`` false blocks
transactional texts; a conversational reply — staff answering the customer's own text — is
blocked by neither). A contact without preferences blocks nothing: ServiceTitan leaves them
null for contacts nobody set up. Deferred: a marketing text outside the sending hours in the
recipient's local time (``quiet_hours.recipient_window``: their state, else their number's
area code), or to a number that already had ``marketing_per_week`` marketing texts in the last
7 days (the frequency cap, across every campaign and workflow): it goes when the oldest of
them leaves the 7 days (and the sending hours allow).

The cap counts by **phone number**, not by customer: the number is who reads the texts. A
landlord's or a household's number is often on several ServiceTitan customers, and a cap per
customer would let it receive that many times the cap; a customer with two numbers is texted
on one (``selectors.recipient_phone``). It counts marketing texts handed to Twilio in the
window (``submitted_at``) that did not fail; one indexed query (``sms_marketing_cap_idx``).
``send_sms`` checks it again under the number's send lock, so two texts sent at once cannot
both take the last place.

ServiceTitan contacts are found by the number's E.164 key (``phone_e164``), whatever the
spelling in ServiceTitan. GHL's SMS DND arrives here as an opt-out (``ghl.services.dnd``), so
the opt-out table stays the one record of consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import connection

from config.db import pg_cursor
from messaging import quiet_hours
from messaging.conf import messaging_conf
from messaging.models import FAILURES, CommunicationPreference, Direction, Purpose, SmsMessage
from messaging.models import SmsStatus as S
from servicetitan import selectors as st

if TYPE_CHECKING:
    from servicetitan.models import CustomerContact


CAP_WINDOW = timedelta(days=7)
# Texts that took a place under the cap: handed to Twilio and not (yet) failed.
_NOT_COUNTED = (*FAILURES, S.CANCELED)


@dataclass(frozen=True)
class Verdict:
    blocked: str = ""                    # the reason, when the text must not go
    defer_until: datetime | None = None  # when a marketing text may go
    deferred: str = ""                   # why it waits (quiet hours, the frequency cap)

    @property
    def allowed(self) -> bool:
        return not self.blocked and self.defer_until is None


def is_opted_out(phone: str) -> bool:
    return CommunicationPreference.objects.filter(phone=phone, sms_opted_out=True).exists()


def check(*, phone: str, customer_id: int | None, purpose: str, now: datetime) -> Verdict:
    if is_opted_out(phone):
        return Verdict(blocked="the number opted out of texts")
    contacts = st.contacts_for_phone(phone)
    reason = _contact_block(contacts, purpose)
    if reason:
        return Verdict(blocked=reason)
    customer_ids = list(dict.fromkeys(
        ([customer_id] if customer_id else []) + [c.customer_id for c in contacts]))
    reason = _customer_block(customer_ids, purpose)
    if reason:
        return Verdict(blocked=reason)
    if purpose == Purpose.MARKETING:
        return _marketing_time(phone, customer_ids[0] if customer_ids else None, now)
    return Verdict()


def _marketing_time(phone: str, customer_id: int | None, now: datetime) -> Verdict:
    """Now, or when the frequency cap and then the recipient's sending hours allow."""
    capped = cap_until(phone, now)
    quiet = _quiet_until(phone, customer_id, capped or now)
    if capped is not None:
        return Verdict(defer_until=quiet or capped, deferred=cap_reason())
    if quiet is not None:
        return Verdict(defer_until=quiet, deferred="outside the recipient's sending hours")
    return Verdict()


def cap_until(phone: str, now: datetime) -> datetime | None:
    """When ``phone`` may have another marketing text under the frequency cap: None when it
    may now, else when enough of the last 7 days' texts have left the window."""
    cap = messaging_conf().marketing_per_week
    if not cap:
        return None
    times = _marketing_times(phone, now - CAP_WINDOW)
    if len(times) < cap:
        return None
    return times[len(times) - cap] + CAP_WINDOW


# Every marketing text is checked: on PostgreSQL one prepared statement (planned once per
# connection) on the partial index sms_marketing_cap_idx, whose condition it repeats; the
# ORM's query building took three times as long as the query (bench/RESULTS.md).
_CAP_SQL = (f"SELECT submitted_at FROM {SmsMessage._meta.db_table} WHERE phone = %s "  # noqa: S608 (names and enum values)
            f"AND direction = '{Direction.OUTBOUND}' AND purpose = '{Purpose.MARKETING}' "
            f"AND submitted_at > %s AND NOT status IN "
            f"({', '.join(repr(str(s)) for s in _NOT_COUNTED)}) ORDER BY submitted_at")


def _marketing_times(phone: str, since: datetime) -> list[datetime]:
    """The times the number's counted marketing texts went to Twilio after ``since``."""
    if connection.vendor != "postgresql":
        return list(SmsMessage.objects.filter(
            phone=phone, direction=Direction.OUTBOUND, purpose=Purpose.MARKETING,
            submitted_at__gt=since).exclude(status__in=_NOT_COUNTED)
            .order_by("submitted_at").values_list("submitted_at", flat=True))
    with pg_cursor() as cursor:
        cursor.execute(_CAP_SQL, [phone, since], prepare=True)
        return [row[0] for row in cursor.fetchall()]


def cap_reason() -> str:
    return (f"frequency cap: {messaging_conf().marketing_per_week} marketing texts to this "
            f"number in the last 7 days")


def _quiet_until(phone: str, customer_id: int | None, now: datetime) -> datetime | None:
    default = messaging_conf().sending_hours
    window = quiet_hours.recipient_window(st.customer_state(customer_id), phone, default)
    try:
        return window.next_allowed(now)
    except quiet_hours.NoCommonHours:
        why = f"its time zones ({window.basis}) share no sending hours"
        return quiet_hours.business_window(phone, default, why).next_allowed(now)


# The contact preference that blocks each purpose; a conversational reply (an answer to the
# customer's own text) is neither a marketing update nor a job reminder.
_PREFERENCE_FLAGS = {Purpose.MARKETING: "marketingUpdatesEnabled",
                     Purpose.TRANSACTIONAL: "jobRemindersEnabled"}


def _contact_block(contacts: list[CustomerContact], purpose: str) -> str:
    flag = _PREFERENCE_FLAGS.get(purpose)
    for contact in contacts:
        raw = contact.raw or {}
        if contact.do_not_text or (raw.get("phoneSettings") or {}).get("doNotText") is True:
            return f"ServiceTitan contact {contact.id} is marked do not text"
        if flag and (raw.get("preferences") or {}).get(flag) is False:
            return f"ServiceTitan contact {contact.id} has {flag} off"
    return ""


def _customer_block(customer_ids: list[int], purpose: str) -> str:
    for customer in st.customers(customer_ids):
        if customer.do_not_service:
            return f"ServiceTitan customer {customer.id} is flagged do not service"
        if purpose == Purpose.MARKETING and customer.do_not_mail:
            return f"ServiceTitan customer {customer.id} is flagged do not mail (marketing)"
    return ""
