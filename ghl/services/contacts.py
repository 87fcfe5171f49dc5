"""The GHL contact of a ServiceTitan customer: built from the customer and its phone and email
contacts, written with ``POST /contacts/upsert`` (GHL finds an existing contact by the
location's duplicate rule, email then phone) and mirrored into ``ghl_contacts``.

SMS DND is only ever switched on from here (a ServiceTitan "do not text" number, or one opted
out here): never off, so a DND set in GHL is not undone by a push.

Phones go to GHL in E.164. A number we could never text (a toll-free line, say) is still the
customer's number, so GHL gets it too when it is a plain North American number.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from ghl.client import GHLClient, record
from ghl.models import GHLContact
from ghl.services.records import contact_row, parse_time
from ghl.upsert import upsert
from messaging.phones import try_normalize
from messaging.policy import is_opted_out
from servicetitan import models as st
from servicetitan import selectors


def e164(value: str) -> str | None:
    """The number in E.164, or None when it is not a phone number (GHL then gets none)."""
    texted = try_normalize(value)
    if texted:
        return texted
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"+1{digits}" if len(digits) == 10 else None


def contact_body(customer: st.Customer, location_id: str) -> dict[str, Any]:
    """The upsert body (``UpsertContactDto``) for ``customer``; fields it has no value for are
    left out rather than sent empty."""
    contacts = selectors.active_contacts(customer.id)
    email = next((c.value.strip() for c in contacts if c.type == "Email" and c.value), None)
    phones = selectors.rank_phones(c for c in contacts
                                   if c.type in selectors.PHONE_TYPES and e164(c.value))
    first, _, last = customer.name.strip().partition(" ")
    body: dict[str, Any] = {
        "locationId": location_id, "name": customer.name, "firstName": first,
        "lastName": last or None, "email": email,
        "phone": e164(phones[0].value) if phones else None,
        "address1": customer.street or None, "city": customer.city or None,
        "state": customer.state or None, "postalCode": customer.zip or None,
        "companyName": customer.name if customer.type == "Commercial" else None,
        "source": "ServiceTitan",
    }
    if phones and (phones[0].do_not_text or is_opted_out(body["phone"])):
        body["dndSettings"] = {"SMS": {"status": "active", "message": "do not text "
                                                                     "(ServiceTitan)"}}
    return {k: v for k, v in body.items() if v is not None}


def push_contact(client: GHLClient, customer: st.Customer, known_id: str = "") -> str:
    """Create or update the customer's GHL contact; returns its GHL id.

    GHL's upsert matches by email or phone only: for a customer with neither, the contact we
    made before (``known_id``) is reused rather than upserted into a duplicate.
    """
    body = contact_body(customer, client.location_id)
    if known_id and not ({"email", "phone"} & set(body)):
        return known_id
    answer = client.post("/contacts/upsert", body)
    return mirror_contact(record(answer, "contact", "/contacts/upsert"), customer.id).id


def mirror_contact(record: dict[str, Any], customer_id: int | None) -> GHLContact:
    row = contact_row(record, now=timezone.now(), as_of=parse_time(record.get("dateUpdated")))
    upsert(GHLContact, [row])
    if customer_id is not None:  # our own column: set whatever GHL's time says
        GHLContact.objects.filter(id=row["id"]).update(st_customer_id=customer_id)
    return GHLContact.objects.get(id=row["id"])
