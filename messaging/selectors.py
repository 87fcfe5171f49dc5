"""Reads from the ServiceTitan mirror for messaging: who a number belongs to, which number to
text a customer on, where they live. Nothing here writes."""

from __future__ import annotations

from messaging.phones import mirror_spellings, try_normalize
from servicetitan.models import Customer, CustomerContact, Location

PHONE_TYPES = ("MobilePhone", "Phone")


def contacts_for_phone(phone: str) -> list[CustomerContact]:
    """Phone contacts whose value is this E.164 number in any usual spelling, active and most
    recently changed first. One indexed ``value IN (…)`` query."""
    contacts = CustomerContact.objects.filter(type__in=PHONE_TYPES,
                                              value__in=mirror_spellings(phone))
    return sorted(contacts, key=lambda c: (not c.active, -(c.modified_on.timestamp()
                                                           if c.modified_on else 0), c.id))


def customer_ids_for_phone(phone: str) -> list[int]:
    """The customers a number belongs to, best match first (no duplicates)."""
    return list(dict.fromkeys(c.customer_id for c in contacts_for_phone(phone)))


def customer_for_phone(phone: str) -> int | None:
    ids = customer_ids_for_phone(phone)
    return ids[0] if ids else None


def recipient_phone(customer_id: int) -> str | None:
    """The number to text a customer on: an active mobile contact before a plain phone one,
    the oldest first; None when no contact holds a valid number."""
    contacts = CustomerContact.objects.filter(customer_id=customer_id, active=True,
                                              type__in=PHONE_TYPES).order_by("id")
    ranked = sorted(contacts, key=lambda c: PHONE_TYPES.index(c.type))
    for contact in ranked:
        phone = try_normalize(contact.value)
        if phone:
            return phone
    return None


def recipient_state(customer_id: int | None) -> str | None:
    """The US state of the customer's first active service location, else of the customer's
    own address; None when neither is known."""
    if customer_id is None:
        return None
    location = Location.objects.filter(customer_id=customer_id, active=True).exclude(
        state="").order_by("id").first()
    if location is not None:
        return location.state
    customer = Customer.objects.filter(pk=customer_id).only("state").first()
    return (customer.state or None) if customer else None


def customers(ids: list[int]) -> list[Customer]:
    return list(Customer.objects.filter(pk__in=ids)) if ids else []
