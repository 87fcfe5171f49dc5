"""What a workflow is about: an entity (``entity_type``, ``entity_id``) and its related
ServiceTitan records, for dotted fields in rules and templates.

    get_record("estimate", "123")        the st_estimates row, or None
    related(snapshot, "customer", ...)   the record an entity refers to by ``customer_id``
    record_value(record, ["address", "state"])  a typed column, else a path into ``raw``
    customer_id_for("appointment", 77)   the customer an entity belongs to (messaging uses
                                         it to find the recipient of ``send_sms``)

Records are read, never written: the sync service owns the st_* tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from servicetitan import models as st
from workflows.conditions import MISSING

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
# Reached through another record when an entity has no customer_id of its own (or it is null).
_CUSTOMER_VIA = {"appointment": "job", "appointment_assignment": "job", "estimate": "job",
                 "invoice": "job", "estimate_item": "estimate", "invoice_item": "invoice",
                 "installed_equipment": "location"}
_NOT_SNAPSHOT = {"raw", "synced_at"}


def int_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def get_record(entity_type: str, entity_id: Any) -> models.Model | None:
    model, pk = ENTITY_MODELS.get(entity_type), int_id(entity_id)
    if model is None or pk is None:
        return None
    return model.objects.filter(pk=pk).first()


def customer_id_for(entity_type: str, entity_id: Any) -> int | None:
    """The ServiceTitan customer id an entity belongs to, or None when it is unknown (an
    unsupported type, a record not synced yet, a record without a customer)."""
    if entity_type == "customer":
        return int_id(entity_id)
    record = get_record(entity_type, entity_id)
    if record is None:
        return None
    customer_id = getattr(record, "customer_id", None)
    via = _CUSTOMER_VIA.get(entity_type)
    if customer_id is None and via:
        return customer_id_for(via, getattr(record, f"{via}_id", None))
    return customer_id


def related(snapshot: Mapping[str, Any], name: str, entity_type: str,
            entity_id: Any) -> models.Model | None:
    """The ``name`` record (a key of ``ENTITY_MODELS``) the entity refers to: itself when
    ``name`` is its own type, else through ``<name>_id`` in the snapshot or its record; the
    customer also through the entity's job or location."""
    if name == entity_type:
        return get_record(entity_type, entity_id)
    ref = snapshot.get(f"{name}_id")
    if ref is None:
        own = get_record(entity_type, entity_id)
        ref = getattr(own, f"{name}_id", None) if own is not None else None
    if ref is None and name == "customer":
        ref = customer_id_for(entity_type, entity_id)
    return get_record(name, ref) if ref is not None else None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def dig(value: Any, segments: Sequence[str]) -> Any:
    """Follow ``segments`` through nested dicts (and list indexes); ``MISSING`` if absent.
    A snake_case key also matches its camelCase spelling (``raw`` is ServiceTitan's JSON)."""
    for segment in segments:
        if isinstance(value, Mapping):
            if segment in value:
                value = value[segment]
            elif _camel(segment) in value:
                value = value[_camel(segment)]
            else:
                return MISSING
        elif isinstance(value, list) and re.fullmatch(r"\d+", segment):
            index = int(segment)
            value = value[index] if index < len(value) else MISSING
        else:
            return MISSING
    return value


def plain(value: Any) -> Any:
    """A record's value as it appears in event payloads: decimals and times as strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def record_value(record: models.Model, segments: Sequence[str]) -> Any:
    """A typed column (``location.state``), else a path into ``raw``
    (``location.address.state``); the whole record as a snapshot when ``segments`` is empty."""
    if not segments:
        return snapshot(record)
    columns = {f.attname for f in record._meta.concrete_fields}
    head = segments[0]
    if head in columns and head not in _NOT_SNAPSHOT:
        return dig(plain(getattr(record, head)), segments[1:])
    return dig(record.raw if head != "raw" else {"raw": record.raw}, segments)


def snapshot(record: models.Model | None) -> dict[str, Any]:
    """The record's typed columns (not ``raw``) as JSON-friendly values; {} for None."""
    if record is None:
        return {}
    return {f.attname: plain(getattr(record, f.attname))
            for f in record._meta.concrete_fields if f.attname not in _NOT_SNAPSHOT}
