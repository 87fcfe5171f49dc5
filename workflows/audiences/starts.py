"""Starting instances for an audience's newcomers in two statements, whatever their number.

``INSERT INTO workflow_instances … SELECT … FROM <entity table> WHERE <newcomers> ORDER BY id
LIMIT <room> ON CONFLICT DO NOTHING``: each row is a pending instance due now, its context built
in SQL exactly as ``engine.context.build_context`` builds one in Python (the record's columns
as ``entity`` and as the ``event`` payload — money as text, times as ISO strings — and the
customer's columns plus ``first_name``). Then one ``INSERT … SELECT`` writes their "started"
audit rows. ``wf_instance_once_per_audience_day`` (definition, entity, evaluation day) makes a
repeated run of the same day's evaluation start nothing twice, and the one-live-instance
constraint is honoured the same way (a conflicting row is skipped, not an error).
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    Expression,
    F,
    FloatField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    JSONObject,
    NullIf,
    StrIndex,
    Substr,
    Trim,
)

from workflows import entities
from workflows.audiences import fields as fieldmap
from workflows.models import (
    InstanceStatus,
    WorkflowAuditLog,
    WorkflowDefinitionVersion,
    WorkflowInstance,
)

EVENT_TYPE = "audience"   # the context's event.type for an instance an audience started


def start_newcomers(*, version: WorkflowDefinitionVersion, entity_type: str, newcomers: Q,
                    day: date, now: datetime, limit: int | None, detail: str) -> int:
    """Start ``version`` for the records of ``entity_type`` matching ``newcomers`` (lowest ids
    first, at most ``limit``); returns how many started."""
    model = fieldmap.model_of(entity_type)
    rows = model.objects.filter(newcomers).order_by("pk")
    rows = rows[:limit] if limit is not None else rows
    columns = _instance_columns(version, entity_type, day, now)
    select, params = rows.values(**{f"n_{name}": expr for name, expr in columns.items()}) \
        .query.sql_with_params()
    table, quote = WorkflowInstance._meta.db_table, connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    aliases = ", ".join(f"s.{quote('n_' + name)}" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(table)} ({names}) SELECT {aliases} "  # noqa: S608 (names from the models)
                       f"FROM ({select}) AS s WHERE true ON CONFLICT DO NOTHING", params)
        started = cursor.rowcount
        audit = quote(WorkflowAuditLog._meta.db_table)
        cursor.execute(f"INSERT INTO {audit} (instance_id, action, actor, detail, created_at) "  # noqa: S608
                       f"SELECT id, 'started', 'engine', %s, %s FROM {quote(table)} "
                       f"WHERE definition_id = %s AND audience_day = %s AND created_at = %s",
                       [detail[:1000], now, version.definition_id, day, now])
    return started


def _instance_columns(version: WorkflowDefinitionVersion, entity_type: str, day: date,
                      now: datetime) -> dict[str, Expression]:
    first = version.steps[0]["id"]
    entity = snapshot_json(entity_type)
    context = JSONObject(
        entity=entity,
        event=JSONObject(type=Value(EVENT_TYPE), id=_null(BigIntegerField()), payload=entity),
        customer=Coalesce(_customer_json(entity_type), _json({})),
        steps=_json({}), vars=_json({}))
    columns = {
        "definition_id": Value(version.definition_id), "version_id": Value(version.pk),
        "entity_type": Value(entity_type), "entity_id": Cast("pk", CharField()),
        "customer_id": _customer_id(entity_type), "trigger_event_id": _null(BigIntegerField()),
        "audience_day": Value(day, output_field=DateField()),
        "status": Value(InstanceStatus.PENDING.value), "status_detail": Value(""),
        "current_step": Value(first), "next_run_at": _moment(now), "context": context,
        "attempts": Value(0), "last_error": Value(""), "visits": _json({first: 1}),
        "exclusive": Value(True, output_field=BooleanField()), "wait_event_type": Value(""),
        "wait_correlation": _json({}), "wait_step": Value(""), "timeout_step": Value(""),
        "claimed_by": Value(""), "claim_expires_at": _null(DateTimeField()),
        "created_at": _moment(now), "updated_at": _moment(now),
        "finished_at": _null(DateTimeField()),
    }
    expected = {f.column for f in WorkflowInstance._meta.concrete_fields if not f.primary_key}
    assert set(columns) == expected, f"instance columns changed: {expected ^ set(columns)}"
    return columns


def snapshot_json(entity_type: str) -> Expression:
    """The record's snapshot (``entities.snapshot``) as a JSON object built in SQL."""
    return JSONObject(**_snapshot_columns(fieldmap.model_of(entity_type)))


def _snapshot_columns(model) -> dict[str, Expression]:
    return {f.attname: Cast(f.attname, TextField()) if isinstance(f, DecimalField | FloatField)
            else F(f.attname) for f in entities.snapshot_fields(model)}  # money as "1250.00"


def _customer_json(entity_type: str) -> Expression:
    """The customer's snapshot plus ``first_name``; NULL when the entity has no customer."""
    ref = _customer_ref(entity_type)
    if ref is None:
        return _json({})
    model = fieldmap.model_of("customer")
    shown = {**_snapshot_columns(model), "first_name": first_name()}
    return Subquery(model.objects.filter(pk=OuterRef(ref)).values(json=JSONObject(**shown))[:1],
                    output_field=JSONField())


def _customer_ref(entity_type: str) -> str | None:
    if entity_type == "customer":
        return "pk"
    return "customer_id" if fieldmap.has_column(entity_type, "customer_id") else None


def _customer_id(entity_type: str) -> Expression:
    ref = _customer_ref(entity_type)
    return F(ref) if ref else _null(BigIntegerField())


def _json(value) -> Expression:
    return Cast(Value(json.dumps(value)), JSONField())


def _null(field) -> Expression:
    return Cast(Value(None), field)


def _moment(value: datetime) -> Expression:
    return Value(value, output_field=DateTimeField())


def first_name(column: str = "name") -> Expression:
    """The first word of a name (what ``build_context`` calls ``first_name``); NULL for an
    empty name."""
    name = Trim(column)
    return NullIf(Substr(name, 1, StrIndex(Concat(name, Value(" ")), Value(" ")) - 1),
                  Value(""))

