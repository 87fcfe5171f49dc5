"""Reads for messaging: which number to text a customer on, and whether a customer may be
texted at all as an audience sees it. Who a number belongs to and where a customer lives are
ServiceTitan questions, answered by ``servicetitan.selectors``. Nothing here writes."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from messaging.models import CommunicationPreference
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
