"""Reads for messaging: which number to text a customer on, and whether a customer may be
texted at all as an audience sees it. Who a number belongs to and where a customer lives are
ServiceTitan questions, answered by ``servicetitan.selectors``. Nothing here writes."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q

from config.estimates import distinct_estimate
from config.phones import searched_phone
from messaging.models import CommunicationPreference, Direction, SmsMessage
from messaging.phones import try_normalize
from servicetitan import selectors as st
from servicetitan.models import CustomerContact

# The workflow events messaging writes (what the definition editor offers as triggers).
EVENT_TYPES = {
    "sms.received": ("customer", "a text arrives (the customer's, else the number's)"),
    "sms.opted_out": ("customer", "a number opts out of texts"),
    "sms.opted_in": ("customer", "a number opts back in to texts"),
}


def recipient_phone(customer_id: int) -> str | None:
    """The number to text a customer on: an active mobile contact before a plain phone one,
    the oldest first; None when no contact holds a valid number."""
    for contact in st.phone_contacts(customer_id):
        phone = try_normalize(contact.value)
        if phone:
            return phone
    return None


def sms_opted_out(customer_ref: str) -> Exists:
    """The audience field ``customer.sms_opted_out`` (``workflows.audiences.fields``) in SQL:
    one of the customer's active phone contacts opted out here or is marked do-not-text in
    ServiceTitan. ``customer_ref`` names the column holding the customer's id in the query the
    expression goes into. Any number, not only the one ``recipient_phone`` would choose: a
    campaign leaves out a household that asked any of its numbers not to be texted."""
    opted_out = CommunicationPreference.objects.filter(phone=OuterRef("phone_e164"),
                                                       sms_opted_out=True)
    return Exists(CustomerContact.objects.filter(
        customer_id=OuterRef(customer_ref), active=True, type__in=st.PHONE_TYPES).filter(
        Q(do_not_text=True) | Q(Exists(opted_out))))


class LatestThreads:
    """Conversations (one per number), latest activity first, as a sequence ``Paginator``
    pages: a page walks the texts newest first (the ``created_at`` index) until it has seen
    enough numbers, then counts those numbers' texts (the ``phone`` index). The same rows as
    grouping every text by number, without reading every text. ``count()`` is the planner's
    estimate on a big table (``config.admin_lists.distinct_estimate``)."""

    chunk = 2000

    def count(self) -> int:
        estimate = distinct_estimate(SmsMessage, "phone")
        if estimate is not None:
            return estimate
        return SmsMessage.objects.values("phone").distinct().count()

    def __getitem__(self, index: slice) -> list[dict]:
        start, stop = index.start or 0, index.stop
        latest: dict[str, datetime] = {}
        newest_first = SmsMessage.objects.order_by("-created_at", "-id").values_list(
            "phone", "created_at")
        offset = 0
        while stop is None or len(latest) < stop:
            batch = list(newest_first[offset:offset + self.chunk])
            for phone, at in batch:
                latest.setdefault(phone, at)
            if len(batch) < self.chunk:
                break
            offset += self.chunk
        phones = list(latest)[start:stop]
        counts = {row["phone"]: row for row in thread_counts(phones)}
        return [{"phone": phone, "last_at": latest[phone], "total": counts[phone]["total"],
                 "inbound": counts[phone]["inbound"]} for phone in phones]


def thread_counts(phones: list[str]):
    """Texts and texts received per number of ``phones``."""
    return (SmsMessage.objects.filter(phone__in=phones).values("phone")
            .annotate(total=Count("id"), inbound=Count("id", filter=Q(
                direction=Direction.INBOUND))).order_by())


def conversation_threads(query: str = ""):
    """The conversations list: every number (``LatestThreads``), the one number a search
    spelt any usual way names (``phone_key``), or the numbers containing ``query``."""
    if not query:
        return LatestThreads()
    threads = SmsMessage.objects.values("phone").annotate(
        last_at=Max("created_at"), total=Count("id"),
        inbound=Count("id", filter=Q(direction=Direction.INBOUND))).order_by("-last_at")
    key = searched_phone(query)
    return threads.filter(phone=key) if key else threads.filter(phone__icontains=query)
