"""Turning values of a ServiceTitan record into typed column values.

A resource declares, per column, where the value sits in the record (``"address.city"``) and
what kind it is; the model field supplies the rest (nullability, text length, decimal places),
so a declaration cannot drift from the table. A value that does not fit its column raises
``UnfitValue``: the row then holds the column's fallback (NULL, or the column's default, or
what the declaration names) and the sync counts a warning, while the record itself is stored
whole (``raw`` is the truth). Only a record without a usable id is a ``RecordError``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import models

BIGINT_MAX = 2**63 - 1
SHOWN = 60  # characters of an unfit value a warning shows


class RecordError(ValueError):
    """A record that cannot be stored at all (not an object, no usable id); the message says
    why."""


class UnfitValue(ValueError):
    """A value that does not fit its typed column; the message shows it (cut short: the sync
    log keeps samples) and says why."""

    def __init__(self, value: Any, why: str) -> None:
        shown = repr(value)
        super().__init__(f"{shown if len(shown) <= SHOWN else shown[:SHOWN] + '…'} {why}")


@dataclass(frozen=True)
class Source:
    """Where a column's value comes from: a dotted path into the record and a kind.

    ``unfit`` is what the column holds when the value is there but does not fit it; None
    means the column's empty value (NULL, else its default: "" for text)."""

    path: str
    kind: str  # "text", "id", "int", "money", "time", "flag", "json"
    unfit: Any = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))


def text(path: str) -> Source:
    return Source(path, "text")


def ref(path: str) -> Source:
    """Another ServiceTitan record's id (bigint)."""
    return Source(path, "id")


def integer(path: str) -> Source:
    return Source(path, "int")


def money(path: str) -> Source:
    """Money or a quantity: numbers or numeric strings ("1250.00"), stored as numeric."""
    return Source(path, "money")


def when(path: str) -> Source:
    return Source(path, "time")


def flag(path: str, *, unfit: bool | None = None) -> Source:
    """A boolean. ``unfit``: what a value that is not true or false stands for (a consent
    flag takes the cautious side), else the column's default."""
    return Source(path, "flag", unfit)


def as_json(path: str) -> Source:
    return Source(path, "json")


def dig(record: dict, keys: tuple[str, ...]) -> Any:
    """The value at ``keys``; None when any step is missing or not an object."""
    value: Any = record
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def parse_time(value: Any) -> datetime:
    """An ISO 8601 date or date-time; ServiceTitan sends UTC, so a bare one is taken as UTC."""
    if not isinstance(value, str):
        raise UnfitValue(value, "is not a date-time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UnfitValue(value, "is not a date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_id(value: Any) -> int:
    """A ServiceTitan id: a non-negative int64 (some references use 0 for "none")."""
    if type(value) is str and value.isdigit():
        value = int(value)
    if type(value) is not int or not 0 <= value <= BIGINT_MAX:
        raise UnfitValue(value, "is not an id")
    return value


def parse_int(value: Any) -> int:
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or abs(value) > 2**31 - 1:
        raise UnfitValue(value, "is not a whole number")
    return value


def parse_decimal(value: Any, places: int, digits: int) -> Decimal:
    if type(value) not in (int, float, str):
        raise UnfitValue(value, "is not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise UnfitValue(value, "is not a number") from None
    if not number.is_finite():
        raise UnfitValue(value, "is not a number")
    # Round as PostgreSQL's numeric(p, s) does, so what we compare is what is stored.
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number.adjusted() >= digits - places:
        raise UnfitValue(value, "is too large")
    return number


def parse_flag(value: Any) -> bool:
    if type(value) is not bool:
        raise UnfitValue(value, "is not true or false")
    return value


def parse_text(value: Any, length: int | None) -> str:
    if type(value) is not str:
        if type(value) not in (int, float):
            raise UnfitValue(value, "is not text")
        value = str(value)
    # The typed column is a convenience for lookups; the full text stays in ``raw``.
    return value[:length] if length else value


Parser = Callable[[Any], Any]


def empty_value(field: models.Field) -> Any:
    """What ``field`` holds when ServiceTitan sent nothing: NULL when it may, else its
    default ("" for text without one)."""
    return None if field.null else field.get_default()


def fallback_for(source: Source, field: models.Field) -> Any:
    """What the column holds when the value is there but does not fit it."""
    return empty_value(field) if source.unfit is None else source.unfit


def parser_for(source: Source, field: models.Field) -> Parser:
    """A function turning the raw value into the column's value for ``field``: None (or no
    value at all) becomes the column's empty value; a value that does not fit raises
    ``UnfitValue``."""
    convert = _converter(source.kind, field)
    empty = empty_value(field)

    def parse(value: Any) -> Any:
        return empty if value is None else convert(value)

    return parse


def _converter(kind: str, field: models.Field) -> Parser:
    if kind == "money":
        places, digits = field.decimal_places, field.max_digits
        return lambda value: parse_decimal(value, places, digits)
    if kind == "text":
        return partial(parse_text, length=field.max_length)
    simple: dict[str, Parser] = {"id": parse_id, "int": parse_int, "time": parse_time,
                                 "flag": parse_flag, "json": lambda value: value}
    if kind not in simple:
        raise ValueError(f"unknown source kind {kind!r}")
    return simple[kind]
