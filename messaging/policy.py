"""May this text go to this number now? ``check`` answers with a ``Verdict``: allowed,
blocked (and why) or deferred (and until when).

Blocked, for every purpose: the number opted out (our table, whatever the source), a
ServiceTitan contact with this number is marked do-not-text (column or
``phoneSettings.doNotText``), or a customer with this number is flagged do-not-service.
Blocked for marketing only: the customer is flagged do-not-mail, or the contact's
``preferences.marketingUpdatesEnabled`` is false (``jobRemindersEnabled`` false blocks
transactional texts). A contact without preferences blocks nothing: ServiceTitan leaves them
null for contacts nobody set up. Deferred: a marketing text outside the sending hours in the
recipient's local time.

ServiceTitan contacts are found by the number's E.164 key (``phone_e164``), whatever the
spelling in ServiceTitan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from messaging import quiet_hours
from messaging.conf import messaging_conf
from messaging.models import CommunicationPreference, Purpose
from servicetitan import selectors as st

if TYPE_CHECKING:
    from servicetitan.models import CustomerContact


@dataclass(frozen=True)
class Verdict:
    blocked: str = ""                    # the reason, when the text must not go
    defer_until: datetime | None = None  # when a marketing text may go

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
        state = st.customer_state(customer_ids[0] if customer_ids else None)
        hours = quiet_hours.sending_hours(state, messaging_conf().sending_hours)
        later = quiet_hours.next_allowed(now, quiet_hours.zone_for_state(state), hours)
        if later is not None:
            return Verdict(defer_until=later)
    return Verdict()


def _contact_block(contacts: list[CustomerContact], purpose: str) -> str:
    flag = "marketingUpdatesEnabled" if purpose == Purpose.MARKETING else "jobRemindersEnabled"
    for contact in contacts:
        raw = contact.raw or {}
        if contact.do_not_text or (raw.get("phoneSettings") or {}).get("doNotText") is True:
            return f"ServiceTitan contact {contact.id} is marked do not text"
        if (raw.get("preferences") or {}).get(flag) is False:
            return f"ServiceTitan contact {contact.id} has {flag} off"
    return ""


def _customer_block(customer_ids: list[int], purpose: str) -> str:
    for customer in st.customers(customer_ids):
        if customer.do_not_service:
            return f"ServiceTitan customer {customer.id} is flagged do not service"
        if purpose == Purpose.MARKETING and customer.do_not_mail:
            return f"ServiceTitan customer {customer.id} is flagged do not mail (marketing)"
    return ""
