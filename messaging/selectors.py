"""Reads for messaging: which number to text a customer on. Who a number belongs to and
where a customer lives are ServiceTitan questions, answered by ``servicetitan.selectors``.
Nothing here writes."""

from __future__ import annotations

from messaging.phones import try_normalize
from servicetitan import selectors as st


def recipient_phone(customer_id: int) -> str | None:
    """The number to text a customer on: an active mobile contact before a plain phone one,
    the oldest first; None when no contact holds a valid number."""
    for contact in st.phone_contacts(customer_id):
        phone = try_normalize(contact.value)
        if phone:
            return phone
    return None
