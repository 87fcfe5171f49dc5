"""Reading the ServiceTitan mirror: the one place other apps ask it questions (issue 13).

    contacts_for_phone("+14075550142")   phone contacts with that number, best match first
    customer_for_phone("+14075550142")   the customer a number belongs to, or None
    phone_contacts(customer_id)          a customer's active phone contacts, mobile first
    customer_id_for("appointment", 77)   the customer an entity belongs to
    record("estimate", 123)              the mirror row of an entity, or None
    people_for_customer(70001)           sold-by / technician of a customer, with emails

Lookups by phone compare ``phone_e164`` (the key ``config.phones.phone_key`` gives, filled
when the row is written), so every spelling staff typed into ServiceTitan matches the E.164
number asked about. Nothing here writes: the sync service owns the ``st_*`` tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from servicetitan import changes
from servicetitan import models as st
from servicetitan.resources import RESOURCES

PHONE_TYPES = ("MobilePhone", "Phone")  # contact types that hold a phone, in preference order

# Every mirrored record a workflow can be about, by entity type (the events' singular name).
ENTITY_MODELS: dict[str, type[models.Model]] = {
    "customer": st.Customer,
    "customer_contact": st.CustomerContact,
    "location": st.Location,
    "job": st.Job,
    "appointment": st.Appointment,
    "appointment_assignment": st.AppointmentAssignment,
    "technician": st.Technician,
    "employee": st.Employee,
    "business_unit": st.BusinessUnit,
    "job_type": st.JobType,
    "campaign": st.Campaign,
    "estimate": st.Estimate,
    "estimate_item": st.EstimateItem,
    "invoice": st.Invoice,
    "invoice_item": st.InvoiceItem,
    "payment": st.Payment,
    "installed_equipment": st.InstalledEquipment,
    "membership": st.Membership,
    "project": st.Project,
}
# The events the sync writes: created, updated, status_changed and milestones per resource.
EVENT_TYPES: dict[str, tuple[str, str]] = changes.announced([r.shape for r in RESOURCES])
# Calendar dates ServiceTitan sends as midnight UTC ("2026-04-01T00:00:00Z"): audiences compare
# them by day, not as moments (read as a moment, one is the evening before in New York).
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "installed_equipment": ("installed_on",),
    "membership": ("from_date", "to_date"),
    "invoice": ("invoice_date", "due_date"),
}
# Reached through another record when an entity has no customer_id of its own (or it is null).
_CUSTOMER_VIA = {"appointment": "job", "appointment_assignment": "job", "estimate": "job",
                 "invoice": "job", "estimate_item": "estimate", "invoice_item": "invoice",
                 "installed_equipment": "location"}


def _int_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def record(entity_type: str, entity_id: Any) -> models.Model | None:
    """The mirror row of an entity; None for an unknown type, a bad id or a row not synced."""
    model, pk = ENTITY_MODELS.get(entity_type), _int_id(entity_id)
    if model is None or pk is None:
        return None
    return model.objects.filter(pk=pk).first()


def customer_id_for(entity_type: str, entity_id: Any) -> int | None:
    """The ServiceTitan customer id an entity belongs to, or None when it is unknown (an
    unsupported type, a record not synced yet, a record without a customer)."""
    if entity_type == "customer":
        return _int_id(entity_id)
    row = record(entity_type, entity_id)
    if row is None:
        return None
    customer_id = getattr(row, "customer_id", None)
    via = _CUSTOMER_VIA.get(entity_type)
    if customer_id is None and via:
        return customer_id_for(via, getattr(row, f"{via}_id", None))
    return customer_id


def contacts_for_phone(phone: str) -> list[st.CustomerContact]:
    """Phone contacts whose number is ``phone`` (E.164), active and most recently changed
    first. One indexed query on ``phone_e164``."""
    contacts = st.CustomerContact.objects.filter(type__in=PHONE_TYPES, phone_e164=phone)
    return sorted(contacts, key=lambda c: (not c.active, -(c.modified_on.timestamp()
                                                           if c.modified_on else 0), c.id))


def customer_ids_for_phone(phone: str) -> list[int]:
    """The customers a number belongs to, best match first (no duplicates)."""
    return list(dict.fromkeys(c.customer_id for c in contacts_for_phone(phone)))


def customer_for_phone(phone: str) -> int | None:
    ids = customer_ids_for_phone(phone)
    return ids[0] if ids else None


def active_contacts(customer_id: int) -> list[st.CustomerContact]:
    """A customer's active contacts of every type, oldest first."""
    return list(st.CustomerContact.objects.filter(customer_id=customer_id, active=True)
                .order_by("id"))


def phone_contacts(customer_id: int) -> list[st.CustomerContact]:
    """A customer's active phone contacts: mobiles before plain phones, oldest first."""
    return rank_phones(c for c in active_contacts(customer_id) if c.type in PHONE_TYPES)


def rank_phones(contacts: Iterable[st.CustomerContact]) -> list[st.CustomerContact]:
    """Phone contacts in ``PHONE_TYPES`` order (a stable sort: the given order within)."""
    return sorted(contacts, key=lambda c: PHONE_TYPES.index(c.type))


def customer(customer_id: int | None) -> st.Customer | None:
    return st.Customer.objects.filter(pk=customer_id).first() if customer_id else None


def customers(ids: list[int]) -> list[st.Customer]:
    return list(st.Customer.objects.filter(pk__in=ids)) if ids else []


def customer_state(customer_id: int | None) -> str | None:
    """The US state of the customer's first active service location, else of the customer's
    own address; None when neither is known."""
    if customer_id is None:
        return None
    location = st.Location.objects.filter(customer_id=customer_id, active=True).exclude(
        state="").order_by("id").first()
    if location is not None:
        return location.state
    row = st.Customer.objects.filter(pk=customer_id).only("state").first()
    return (row.state or None) if row else None


def people_for_customer(customer_id: int | None) -> list[tuple[str, int, str]]:
    """Who at the company is the customer's person, best first, as (why, ServiceTitan person
    id, email): the sold-by of the customer's newest estimate (open ones first), then the
    technician assigned to their newest job. People without an email are left out (they
    cannot be matched to a staff user)."""
    if customer_id is None:
        return []
    found: list[tuple[str, int]] = []
    estimate = (st.Estimate.objects.filter(customer_id=customer_id, sold_by_id__isnull=False)
                .order_by(models.Case(models.When(status="Open", then=0), default=1),
                          models.F("created_on").desc(nulls_last=True), "-id").first())
    if estimate is not None:
        found.append((f"sold estimate {estimate.id}", estimate.sold_by_id))
    job_ids = list(st.Job.objects.filter(customer_id=customer_id).order_by(
        models.F("created_on").desc(nulls_last=True), "-id").values_list("id", flat=True)[:5])
    for job_id in job_ids:
        assignment = (st.AppointmentAssignment.objects.filter(
            job_id=job_id, technician_id__isnull=False).order_by(
            models.F("assigned_on").desc(nulls_last=True), "-id").first())
        if assignment is not None:
            found.append((f"technician on job {job_id}", assignment.technician_id))
            break
    return [(why, person, email) for why, person in found
            if (email := person_email(person))]


def person_email(person_id: int) -> str:
    """The email of a ServiceTitan employee or technician ("" when unknown)."""
    for model in (st.Employee, st.Technician):
        email = model.objects.filter(id=person_id).values_list("email", flat=True).first()
        if email and email.strip():
            return email.strip()
    return ""
