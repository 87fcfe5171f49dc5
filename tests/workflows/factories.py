"""Factories for the st_* mirror rows the workflow tests read, and helpers for events."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from servicetitan import models as st
from workflows import entities
from workflows.events import Event, record_event


class STFactory(factory.django.DjangoModelFactory):
    id = factory.Sequence(lambda n: 10_000 + n)
    raw = factory.LazyAttribute(lambda o: {"id": o.id})
    synced_at = factory.LazyFunction(timezone.now)

    class Meta:
        abstract = True


class CustomerFactory(STFactory):
    name = "Dana Whitfield"
    type = "Residential"
    state = "NY"

    class Meta:
        model = st.Customer


class LocationFactory(STFactory):
    customer_id = factory.LazyAttribute(lambda o: CustomerFactory().id)
    name = "Home"
    state = "NJ"
    raw = factory.LazyAttribute(lambda o: {"id": o.id, "address": {"state": "NJ",
                                                                    "city": "Hoboken"}})

    class Meta:
        model = st.Location


class JobFactory(STFactory):
    job_number = factory.Sequence(lambda n: f"J{n}")
    customer_id = factory.LazyAttribute(lambda o: CustomerFactory().id)
    job_status = "Completed"
    business_unit_id = 501

    class Meta:
        model = st.Job


class EstimateFactory(STFactory):
    customer_id = factory.LazyAttribute(lambda o: CustomerFactory().id)
    status = "Open"
    total = Decimal("1250.00")
    subtotal = Decimal("1150.00")
    name = "Heat pump"

    class Meta:
        model = st.Estimate


def payload_of(record, changes: dict | None = None) -> dict:
    """The payload the ServiceTitan sync writes: the typed snapshot plus ``changes``."""
    return {**entities.snapshot(record), "changes": changes or {}}


def emit(record, event_type: str, changes: dict | None = None, **extra):
    entity_type = next(k for k, m in entities.ENTITY_MODELS.items() if isinstance(record, m))
    payload = {**payload_of(record, changes), **extra}
    return record_event(Event(event_type, entity_type, record.id, payload, "servicetitan"))


class InstalledEquipmentFactory(STFactory):
    customer_id = factory.LazyAttribute(lambda o: CustomerFactory().id)
    name = "Carrier Infinity 20"
    type = "Air Conditioner"
    status = "Installed"

    class Meta:
        model = st.InstalledEquipment


class MembershipFactory(STFactory):
    customer_id = factory.LazyAttribute(lambda o: CustomerFactory().id)
    status = "Active"

    class Meta:
        model = st.Membership


class ContactFactory(STFactory):
    customer_id = factory.LazyAttribute(lambda o: CustomerFactory().id)
    type = "MobilePhone"
    value = "+14075550142"
    phone_e164 = factory.LazyAttribute(lambda o: o.value)

    class Meta:
        model = st.CustomerContact
