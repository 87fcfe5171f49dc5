"""What a workflow is about: an entity (``entity_type``, ``entity_id``) and its related
records, for dotted fields in rules and templates.

    get_record("estimate", "123")        the st_estimates row, or None
    related(snapshot, "customer", ...)   the record an entity refers to by ``customer_id``
    record_value(record, ["address", "state"])  a typed column, else a path into ``raw``
    customer_id_for("appointment", 77)   the customer an entity belongs to

The entity types and their models are registered (``register``) by ``WorkflowsConfig.ready``
from every app's ``selectors`` module that declares ``ENTITY_MODELS`` (the ServiceTitan
mirror's), found through ``config.discovery``; so are the event types an app writes
(``EVENT_TYPES``, ``register_events``: what the editor offers as triggers and cancel rules).
Records are read, never written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from workflows.conditions import MISSING

CustomerOf = Callable[[str, Any], "int | None"]
# Filled from the apps' selectors (``WorkflowsConfig.ready``), the way step types are
# registered: workflows itself imports no app's models.
ENTITY_MODELS: dict[str, type[models.Model]] = {}
_customer_of: list[CustomerOf] = []
# Event type → (the entity type it is about, what it means), in the order registered.
EVENT_TYPES: dict[str, tuple[str, str]] = {}
_NOT_SNAPSHOT = {"raw", "synced_at"}


def register(entity_models: Mapping[str, type[models.Model]],
             customer_of: CustomerOf | None = None) -> None:
    """Make ``entity_models`` (entity type → model) available to rules and templates, and
    ``customer_of(entity_type, entity_id)`` the way ``customer_id_for`` finds an entity's
    customer. Registering a type twice keeps the first (``ready`` may run more than once)."""
    for entity_type, model in entity_models.items():
        ENTITY_MODELS.setdefault(entity_type, model)
    if customer_of is not None and customer_of not in _customer_of:
        _customer_of.append(customer_of)


def register_events(event_types: Mapping[str, tuple[str, str]]) -> None:
    """Announce the event types an app writes (``{"job.completed": ("job", "a job was
    completed")}``); registering a type twice keeps the first."""
    for event_type, about in event_types.items():
        EVENT_TYPES.setdefault(event_type, about)


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
    """The customer id an entity belongs to, from the registered resolvers (the first that
    knows); None when none does."""
    for customer_of in _customer_of:
        found = customer_of(entity_type, entity_id)
        if found is not None:
            return found
    return None


def related(snapshot: Mapping[str, Any], name: str, entity_type: str,
            entity_id: Any, get: Callable[[str, Any], Any] = get_record) -> models.Model | None:
    """The ``name`` record (a key of ``ENTITY_MODELS``) the entity refers to: itself when
    ``name`` is its own type, else through ``<name>_id`` in the snapshot or its record; the
    customer also through the entity's job or location. ``get`` reads a record
    (``get_record``, or a cache of them)."""
    if name == entity_type:
        return get(entity_type, entity_id)
    ref = snapshot.get(f"{name}_id")
    if ref is None:
        own = get(entity_type, entity_id)
        ref = getattr(own, f"{name}_id", None) if own is not None else None
    if ref is None and name == "customer":
        ref = customer_id_for(entity_type, entity_id)
    return get(name, ref) if ref is not None else None


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


def snapshot_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns a snapshot holds (all but ``raw`` and ``synced_at``)."""
    return [f for f in model._meta.concrete_fields if f.attname not in _NOT_SNAPSHOT]


def snapshot(record: models.Model | None) -> dict[str, Any]:
    """The record's typed columns (not ``raw``) as JSON-friendly values; {} for None."""
    if record is None:
        return {}
    return {f.attname: plain(getattr(record, f.attname)) for f in snapshot_fields(type(record))}
