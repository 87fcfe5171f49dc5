"""What an audience rule can name, per entity type.

    status                     a typed column of the entity's own table
    customer.do_not_mail       a typed column of the record the entity refers to by
                               ``customer_id`` (``location.state`` by ``location_id``, …)
    sms_opted_out              a virtual field another app registers (``register_virtual``):
                               an SQL expression, here on customers (messaging registers it)
    customer.sms_opted_out     the same, on the record the entity refers to

Only typed columns are compared (never ``raw``: its values have no type to compare by in
SQL). Datetime columns that hold a calendar date are registered (``register_date_columns``:
ServiceTitan's ``installed_on``, ``to_date``, … are its selectors' ``DATE_COLUMNS``):
relative dates compare them by day (``workflows.audiences.periods``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from workflows import entities

# A virtual field's SQL: given the name of the column (of the query it is used in) that holds
# the id of a record of its type ("pk", "customer_id"), a boolean expression.
VirtualBuild = Callable[[str], models.Expression]


@dataclass(frozen=True)
class Virtual:
    label: str
    build: VirtualBuild


_DATE_COLUMNS: dict[str, set[str]] = {}
_VIRTUALS: dict[str, dict[str, Virtual]] = {}
_NOT_COMPARED = {"raw", "synced_at", "content_hash"}
_KINDS: tuple[tuple[type[models.Field], str], ...] = (
    (models.BooleanField, "bool"), (models.DecimalField, "number"),
    (models.FloatField, "number"), (models.IntegerField, "int"),  # Big/Positive ones too
    (models.CharField, "text"), (models.TextField, "text"),
    (models.DateTimeField, "datetime"),
)


def register_date_columns(columns: Mapping[str, Iterable[str]]) -> None:
    """Declare datetime columns that hold a calendar date (midnight UTC), per entity type."""
    for entity_type, names in columns.items():
        _DATE_COLUMNS.setdefault(entity_type, set()).update(names)


def register_virtual(entity_type: str, name: str, label: str, build: VirtualBuild) -> None:
    """A boolean field ``name`` on ``entity_type`` computed in SQL by ``build`` (registering
    a name twice keeps the first, as ``ready`` may run more than once)."""
    _VIRTUALS.setdefault(entity_type, {}).setdefault(name, Virtual(label, build))


def model_of(entity_type: str) -> type[models.Model]:
    return entities.ENTITY_MODELS[entity_type]


def kind_of(entity_type: str, column: str) -> str | None:
    """``bool``, ``int``, ``number``, ``text``, ``datetime`` or ``date``; None for a column
    an audience cannot compare (or none of that name)."""
    if column in _NOT_COMPARED:
        return None
    try:
        field = model_of(entity_type)._meta.get_field(column)
    except Exception:
        return None
    if not getattr(field, "concrete", False) or field.is_relation:
        return None
    for cls, kind in _KINDS:
        if isinstance(field, cls):
            if kind == "datetime" and column in _DATE_COLUMNS.get(entity_type, ()):
                return "date"
            return kind
    return None


def columns(entity_type: str) -> list[str]:
    names = [f.attname for f in model_of(entity_type)._meta.concrete_fields]
    return [n for n in names if kind_of(entity_type, n)] + sorted(_VIRTUALS.get(entity_type,
                                                                                  {}))


def has_column(entity_type: str, column: str) -> bool:
    return column in {f.attname for f in model_of(entity_type)._meta.concrete_fields}


def virtual(entity_type: str, name: str) -> Virtual | None:
    return _VIRTUALS.get(entity_type, {}).get(name)


@dataclass(frozen=True)
class Field:
    """A field name resolved for one entity type."""

    name: str            # as written in the rule
    owner: str           # the entity type whose table holds it
    column: str          # its column (or virtual field) there
    kind: str            # see kind_of; "virtual" for a registered virtual field
    ref: str             # the column of the rule's entity pointing at the owner ("pk": itself)


def resolve(entity_type: str, name: str, where: str) -> Field:
    """The field ``name`` means for ``entity_type``; raises ``ValidationError`` naming it."""
    head, _, rest = name.partition(".")
    if not rest:
        return _field(entity_type, name, name, "pk", where)
    if "." in rest or head not in entities.ENTITY_MODELS:
        raise ValidationError(f"{where}: {name!r} is not a field of {entity_type}; name a "
                              f"column ({_listed(entity_type)}) or one of a record it refers "
                              f"to, e.g. customer.do_not_mail")
    if head == entity_type:
        return _field(entity_type, name, rest, "pk", where)
    ref = f"{head}_id"
    if not has_column(entity_type, ref):
        raise ValidationError(f"{where}: {name!r}: a {entity_type} does not refer to a {head} "
                              f"(it has no {ref})")
    return _field(head, name, rest, ref, where)


def _field(owner: str, name: str, column: str, ref: str, where: str) -> Field:
    if virtual(owner, column) is not None:
        return Field(name, owner, column, "virtual", ref)
    kind = kind_of(owner, column)
    if kind is None:
        raise ValidationError(f"{where}: {column!r} is not a field of {owner} an audience can "
                              f"compare; fields: {_listed(owner)}")
    return Field(name, owner, column, kind, ref)


def _listed(entity_type: str) -> str:
    return ", ".join(columns(entity_type))
