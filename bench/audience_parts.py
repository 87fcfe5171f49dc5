"""The measuring parts of ``bench/audiences.py`` (run inside Django, on the bench database the
main script set up and filled)."""

from __future__ import annotations

import importlib
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bench.sync_parts import MIRRORS
from messaging import policy
from workflows.audiences.evaluation import (
    audience_of,
    entered_before,
    evaluate_audience,
    members,
)
from workflows.audiences.periods import Clock, day_start, parse_period
from workflows.models import WorkflowDefinition
from workflows.services import definition_save

OPTED_OUT = """EXISTS (SELECT 1 FROM st_customer_contacts cc
                 WHERE cc.customer_id = {ref} AND cc.active
                   AND cc.type IN ('MobilePhone', 'Phone')
                   AND (cc.do_not_text OR EXISTS (
                        SELECT 1 FROM customer_communication_preferences p
                        WHERE p.phone = cc.phone_e164 AND p.sms_opted_out)))"""
NOT_ENTERED = """NOT EXISTS (SELECT 1 FROM workflow_instances wi
                 WHERE wi.definition_id = %(definition)s AND wi.entity_type = '{entity}'
                   AND wi.entity_id = {alias}.id::text
                   AND (wi.status IN ('pending', 'running', 'waiting')
                        OR wi.audience_day > %(cutoff)s
                        OR (wi.audience_day IS NULL AND wi.created_at >= %(midnight)s)
                        OR %(once)s))"""
OPEN_JOB = """EXISTS (SELECT 1 FROM st_jobs j WHERE j.customer_id = {ref}
                AND j.job_status NOT IN ('Completed', 'Canceled'))"""
NO_MAIL = "EXISTS (SELECT 1 FROM st_customers c WHERE c.id = {ref} AND c.do_not_mail)"

# The prebuilt campaigns' newcomers, by hand: what a developer would write for each.
HAND_WRITTEN = {
    "membership": f"""
        SELECT m.id FROM st_memberships m
        WHERE m.status = 'Active' AND m.to_date >= %(today)s AND m.to_date < %(in_31_days)s
          AND NOT {OPTED_OUT.format(ref="m.customer_id")}
          AND NOT {NO_MAIL.format(ref="m.customer_id")}
          AND {NOT_ENTERED.format(entity="membership", alias="m")}""",
    "installed_equipment": f"""
        SELECT e.id FROM st_installed_equipment e
        WHERE e.installed_on < %(ten_years_ago)s
          AND e.type IN ('Air Conditioner', 'Heat Pump', 'Furnace', 'Water Heater')
          AND e.status = 'Installed' AND e.active
          AND NOT {OPEN_JOB.format(ref="e.customer_id")}
          AND NOT {OPTED_OUT.format(ref="e.customer_id")}
          AND NOT {NO_MAIL.format(ref="e.customer_id")}
          AND {NOT_ENTERED.format(entity="installed_equipment", alias="e")}""",
    "customer": f"""
        SELECT c.id FROM st_customers c
        WHERE c.active
          AND EXISTS (SELECT 1 FROM st_jobs j WHERE j.customer_id = c.id
                        AND j.job_status = 'Completed')
          AND NOT EXISTS (SELECT 1 FROM st_jobs j WHERE j.customer_id = c.id
                            AND j.job_status = 'Completed'
                            AND j.completed_on >= %(year_ago)s AND j.completed_on <= %(now)s)
          AND NOT {OPEN_JOB.format(ref="c.id")}
          AND NOT {OPTED_OUT.format(ref="c.id")}
          AND NOT c.do_not_mail AND NOT c.do_not_service
          AND {NOT_ENTERED.format(entity="customer", alias="c")}""",
    "estimate": f"""
        SELECT e.id FROM st_estimates e
        WHERE e.status = 'Open' AND e.created_on < %(three_days_ago)s
          AND e.created_on >= %(thirty_days_ago)s AND e.created_on <= %(now)s
          AND NOT {OPTED_OUT.format(ref="e.customer_id")}
          AND NOT {NO_MAIL.format(ref="e.customer_id")}
          AND {NOT_ENTERED.format(entity="estimate", alias="e")}""",
}


def mirror_rows() -> int:
    with connection.cursor() as cursor:
        return sum(_count(cursor, table) for table in MIRRORS)


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")
    return cursor.fetchone()[0]


def campaigns() -> list[WorkflowDefinition]:
    """A switched-on copy of each prebuilt campaign, without its daily cap."""
    migration = importlib.import_module("workflows.migrations.0008_prebuilt_campaigns")
    found = []
    for data in migration.definitions():
        name = f"bench: {data['name'].removeprefix('Campaign: ')}"
        existing = WorkflowDefinition.objects.filter(name=name).first()
        found.append(definition_save(data={**data, "name": name, "active": True, "audience": {
            **data["audience"], "daily_cap": None}}, actor="bench", definition=existing))
    return found


def crowd() -> WorkflowDefinition:
    """An audience far larger than the campaigns': every customer with a completed job."""
    name = "bench: every customer with a completed job"
    existing = WorkflowDefinition.objects.filter(name=name).first()
    return definition_save(data={
        "name": name, "trigger_kind": "audience", "active": True,
        "audience": {"entity": "customer", "rule": {"has": "job", "where": {
            "field": "job_status", "op": "==", "value": "Completed"}}},
        "steps": [{"id": "text", "type": "send_sms", "purpose": "marketing",
                   "body": "Hi {{ customer.first_name }}"}]}, actor="bench", definition=existing)


def evaluate_crowd(definition: WorkflowDefinition) -> tuple[float, int]:
    empty_workflows()
    started = time.perf_counter()
    run = evaluate_audience(definition_id=definition.pk, now=timezone.now())
    return time.perf_counter() - started, run.entered


@dataclass
class Measured:
    evaluate: float
    compiling: float      # the rule to SQL, in Python
    compiled: float       # running that SQL
    hand: float
    matched: int
    excluded: int
    entered: int
    same: bool


def measure(definition: WorkflowDefinition, hand_sql: str) -> Measured:
    empty_workflows()
    now = timezone.now()
    started = time.perf_counter()
    run = evaluate_audience(definition_id=definition.pk, now=now)
    evaluate = time.perf_counter() - started
    empty_workflows()
    version = definition.current_version
    audience = audience_of(version)
    started = time.perf_counter()
    found = members(audience, now)
    newcomers = found.q & ~entered_before(version, audience, found.clock)
    sql, params = found.model.objects.filter(newcomers).values_list(
        "pk", flat=True).query.sql_with_params()
    compiling = time.perf_counter() - started
    compiled_ids, compiled = _timed(sql, params)
    hand_ids, hand = _timed(hand_sql, _params(definition, audience, found.clock))
    return Measured(evaluate, compiling, compiled, hand, run.matched, run.excluded,
                    run.entered,
                    sorted(compiled_ids) == sorted(hand_ids) and len(hand_ids) == run.entered)


def _timed(sql: str, params) -> tuple[list[int], float]:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    return ids, time.perf_counter() - started


def _params(definition, audience, clock: Clock) -> dict:
    def back(period: str):
        return clock.instant(parse_period(period), -1)

    days = audience.entry_days or 0
    return {"definition": definition.pk, "cutoff": clock.today - timedelta(days=days),
            "midnight": day_start(clock.today), "once": audience.entry == "once",
            "now": clock.now, "today": day_start(clock.today),
            "in_31_days": day_start(clock.today + timedelta(days=31)),
            "ten_years_ago": day_start(clock.day(parse_period("10y"), -1)),
            "year_ago": back("12mo"), "three_days_ago": back("3d"),
            "thirty_days_ago": back("30d")}


def empty_workflows() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE workflow_audience_runs, workflow_audit_log, workflow_step_runs,"
                       " workflow_instances CASCADE")


@dataclass
class CapMeasure:
    per_call: float
    plan: str


def frequency_cap(*, texts: int, phones: int, calls: int) -> CapMeasure:
    """``texts`` marketing texts (and as many other rows: transactional, inbound) over the
    last 7 days to ``phones`` numbers, then ``policy.cap_until`` for ``calls`` of them."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE sms_messages CASCADE")
        cursor.execute("""
            INSERT INTO sms_messages (direction, from_number, to_number, phone, body, purpose,
                status, error_code, error_message, workflow_step_id, intent, attempts, raw,
                created_at, updated_at, submitted_at, segments)
            SELECT CASE WHEN i %% 4 = 0 THEN 'inbound' ELSE 'outbound' END, '+15005550006',
                   number, number, 'A text', CASE WHEN i %% 2 = 0 THEN 'transactional'
                   ELSE 'marketing' END, CASE WHEN i %% 10 = 0 THEN 'failed'
                   ELSE 'delivered' END, NULL, '', '', '', 1, '{}', at, at, at, 1
            FROM (SELECT i, '+1407' || lpad((i %% %s)::text, 7, '0') AS number,
                         now() - random() * interval '8 days' AS at
                  FROM generate_series(1, %s) AS i) AS t""", [phones, texts * 2])
        cursor.execute("ANALYZE sms_messages")
        cursor.execute("EXPLAIN SELECT submitted_at FROM sms_messages WHERE phone = %s AND "
                       "direction = 'outbound' AND purpose = 'marketing' AND submitted_at > %s "
                       "AND NOT status IN ('failed', 'undelivered', 'canceled') "
                       "ORDER BY submitted_at", ["+14070000042", timezone.now()
                                                 - timedelta(days=7)])
        plan = " / ".join(row[0].strip() for row in cursor.fetchall()[:2])
    numbers = [f"+1407{random.randrange(phones):07d}" for _ in range(calls)]
    now = timezone.now()
    started = time.perf_counter()
    for number in numbers:
        policy.cap_until(number, now)
    return CapMeasure((time.perf_counter() - started) / calls, plan)
