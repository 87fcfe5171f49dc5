"""GHL records (JSON as the API and webhooks send them) → rows of the ``ghl_*`` tables.

Declarative: each table has a map of column → GHL key (first key present wins, as the API and
webhooks name some fields differently), and one function turns a record into a row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from config.phones import phone_key_or_none
from ghl.models import GHLContact, GHLOpportunity, GHLUser

CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "location_id": ("locationId",), "first_name": ("firstName",), "last_name": ("lastName",),
    "name": ("name", "contactName"), "company_name": ("companyName",), "email": ("email",),
    "phone": ("phone",), "source": ("source",), "type": ("type",),
    "assigned_to": ("assignedTo",), "tags": ("tags",), "dnd": ("dnd",),
    "date_added": ("dateAdded",), "date_updated": ("dateUpdated",),
}
OPPORTUNITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name",), "contact_id": ("contactId",), "pipeline_id": ("pipelineId",),
    "pipeline_stage_id": ("pipelineStageId",), "status": ("status",),
    "monetary_value": ("monetaryValue",), "assigned_to": ("assignedTo",),
    "source": ("source",), "date_added": ("createdAt", "dateAdded"),
    "date_updated": ("updatedAt", "dateUpdated"),
    "last_status_change_at": ("lastStatusChangeAt",),
}
USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name",), "email": ("email",), "phone": ("phone",),
}
# Fields whose change is worth a ``ghl.<kind>.updated`` event (raw-only changes are not).
TRACKED = {
    "contact": ("name", "email", "phone", "dnd", "sms_dnd", "tags", "assigned_to", "deleted"),
    "opportunity": ("name", "status", "pipeline_id", "pipeline_stage_id", "monetary_value",
                    "assigned_to", "contact_id", "deleted"),
}
# Keys GHL adds to search results that are paging machinery, not the record.
_NOT_RECORD = ("searchAfter",)


def parse_time(value: Any) -> datetime | None:
    """GHL times: ISO 8601 (``2021-11-26T12:41:02.193Z``) or epoch milliseconds."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, ValueError, OSError):  # NaN, or beyond the years datetime knows
            return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sms_dnd(record: dict[str, Any]) -> bool | None:
    """Whether SMS DND is on; None when the record carries no ``dndSettings``."""
    settings = record.get("dndSettings")
    if not isinstance(settings, dict) or not isinstance(settings.get("SMS"), dict):
        return None
    return settings["SMS"].get("status") in ("active", "permanent")


def contact_row(record: dict[str, Any], *, now: datetime, as_of: datetime | None = None,
                partial: bool = False) -> dict[str, Any]:
    """A ``ghl_contacts`` row. ``sms_dnd`` is present only when the record tells it;
    ``partial``: only the columns the record has keys for (webhooks leave some out). With the
    phone comes its E.164 key (``phone_e164``), which every lookup by phone compares."""
    row = _row(GHLContact, CONTACT_COLUMNS, record, now, partial)
    if "phone" in row:
        row["phone_e164"] = phone_key_or_none(row["phone"])
    row["as_of"] = as_of or row.get("date_updated") or row.get("date_added")
    known = sms_dnd(record)
    if known is not None:
        row["sms_dnd"] = known
    return row


def opportunity_row(record: dict[str, Any], *, now: datetime, as_of: datetime | None = None,
                    partial: bool = False) -> dict[str, Any]:
    row = _row(GHLOpportunity, OPPORTUNITY_COLUMNS, record, now, partial)
    if not row.get("contact_id") and isinstance(record.get("contact"), dict):
        row["contact_id"] = str(record["contact"].get("id") or "")
    row["as_of"] = as_of or row.get("date_updated") or row.get("date_added")
    return row


def user_row(record: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    row = _row(GHLUser, USER_COLUMNS, record, now)
    roles = record.get("roles") if isinstance(record.get("roles"), dict) else {}
    row.update(role=_text(GHLUser, "role", roles.get("role")), active=True)
    if not row["name"]:
        row["name"] = " ".join(filter(None, (record.get("firstName"), record.get("lastName"))))
    return row


def _row(model: type[models.Model], columns: dict[str, tuple[str, ...]],
         record: dict[str, Any], now: datetime, partial: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {"id": str(record["id"]), "synced_at": now,
                           "raw": {k: v for k, v in record.items() if k not in _NOT_RECORD}}
    if hasattr(model, "deleted"):
        row["deleted"] = False
    for column, keys in columns.items():
        if partial and not any(k in record for k in keys):
            continue
        value = next((record[k] for k in keys if record.get(k) is not None), None)
        row[column] = _convert(model, column, value)
    return row


def _convert(model: type[models.Model], column: str, value: Any) -> Any:
    field = model._meta.get_field(column)
    if isinstance(field, models.DateTimeField):
        return parse_time(value)
    if isinstance(field, models.DecimalField):
        return _money(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.JSONField):
        return value if value is not None else field.get_default()
    return _text(model, column, value)


def _text(model: type[models.Model], column: str, value: Any) -> str:
    text = "" if value is None else str(value)
    return text[: model._meta.get_field(column).max_length]


def _money(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
