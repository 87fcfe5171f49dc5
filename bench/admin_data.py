"""The dataset of ``bench/admin_pages.py``: a year of a contractor's data, built in SQL with
``generate_series`` (seconds, not minutes) at ``scale`` (1.0 = the issue's tenant).

At scale 1: ~580,000 ServiceTitan rows over the ``st_*`` tables in the proportions of the
sandbox tenant (15,000 customers, ~39 records each), 15,000 GHL contacts and 8,000
opportunities, 1,000,000 texts (40% inbound) over a year to 25,000 numbers, 2,000,000
workflow events, 200,000 instances with ~3 step runs and one event match each, 3,000 opt-outs
with their history, 50,000 sync log rows. Numbers are spelt as people type them in the
mirrors (``(407) 555-0142``, ``407.555.0142`` …) with their E.164 key (``phone_e164``) filled;
texts carry E.164, as the services write them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection

# Rows per unit of scale.
ST_ROWS = {
    "st_customers": 15_000, "st_customer_contacts": 32_000, "st_locations": 16_000,
    "st_jobs": 45_000, "st_appointments": 50_000, "st_appointment_assignments": 55_000,
    "st_technicians": 60, "st_employees": 80, "st_business_units": 12, "st_job_types": 40,
    "st_campaigns": 30, "st_estimates": 60_000, "st_estimate_items": 130_000,
    "st_invoices": 45_000, "st_invoice_items": 80_000, "st_payments": 40_000,
    "st_installed_equipment": 12_000, "st_memberships": 6_000, "st_projects": 3_000,
}
OTHER_ROWS = {"ghl_contacts": 15_000, "ghl_opportunities": 8_000, "sms_messages": 1_000_000,
              "workflow_events": 2_000_000, "workflow_instances": 200_000, "phones": 25_000,
              "opt_outs": 3_000, "st_sync_log": 50_000}
# The first id of each mirror (ServiceTitan ids are large and disjoint per resource).
BASE = {table: 10_000_000 * (i + 1) for i, table in enumerate(ST_ROWS)}

TABLES = (*ST_ROWS, "ghl_contacts", "ghl_opportunities", "sms_messages", "sms_status_callbacks",
          "customer_communication_preference_changes", "customer_communication_preferences",
          "workflow_audit_log", "workflow_step_runs", "workflow_event_matches",
          "workflow_instances", "workflow_events", "st_sync_log", "workflow_audience_runs")

# SQL helpers: a deterministic pseudo-random number in [0, 1) from an integer and a salt, a
# moment in the last year, a number's ten digits and the usual ways of writing them.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.r(g bigint, salt int) RETURNS double precision
  LANGUAGE sql IMMUTABLE AS
  $$ SELECT ((hashint8(g * 7919 + salt) & 2147483647)::double precision / 2147483648) $$;
CREATE OR REPLACE FUNCTION pg_temp.ago(g bigint, salt int) RETURNS timestamptz
  LANGUAGE sql STABLE AS
  $$ SELECT now() - pg_temp.r(g, salt) * interval '365 days' $$;
CREATE OR REPLACE FUNCTION pg_temp.digits(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT (ARRAY['407','321','689','561','954','305','813','727'])[1 + n % 8]
            || lpad(((200 + n * 37) % 800 + 200)::text, 3, '0')
            || lpad(((n * 7907) % 10000)::text, 4, '0') $$;
CREATE OR REPLACE FUNCTION pg_temp.spelt(d text, way int) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT CASE way % 6
    WHEN 0 THEN '(' || substr(d,1,3) || ') ' || substr(d,4,3) || '-' || substr(d,7)
    WHEN 1 THEN substr(d,1,3) || '.' || substr(d,4,3) || '.' || substr(d,7)
    WHEN 2 THEN substr(d,1,3) || '-' || substr(d,4,3) || '-' || substr(d,7)
    WHEN 3 THEN '+1 ' || substr(d,1,3) || ' ' || substr(d,4,3) || ' ' || substr(d,7)
    WHEN 4 THEN '1' || d
    ELSE '+1' || d END $$;
"""


def st_sql(scale: float) -> list[str]:
    n = {table: max(1, round(rows * scale)) if rows > 100 else rows
         for table, rows in ST_ROWS.items()}

    def ref(table: str, expr: str = "g") -> str:
        return f"({BASE[table]} + ({expr}) % {n[table]})"

    def mirror(table: str, columns: str, values: str) -> str:
        return (f"INSERT INTO {table} (id, active, created_on, modified_on, raw, synced_at, "
                f"content_hash, {columns}) SELECT {BASE[table]} + g, pg_temp.r(g, 1) > 0.03, "
                f"pg_temp.ago(g, 2) - interval '30 days', pg_temp.ago(g, 3), "
                f"jsonb_build_object('id', {BASE[table]} + g), now(), g, {values} "
                f"FROM generate_series(0, {n[table] - 1}) g")

    states = "(ARRAY['FL','FL','FL','GA','AL','SC'])[1 + g % 6]"
    cities = "(ARRAY['Orlando','Tampa','Miami','Ocala','Sanford','Kissimmee','Winter Park'])" \
             "[1 + g % 7]"
    return [
        mirror("st_business_units", "name, official_name, email, phone_number",
               "'BU ' || g, 'Business unit ' || g, 'bu' || g || '@example.com', ''"),
        mirror("st_job_types", "name, priority, duration, business_unit_ids",
               "'Job type ' || g, (ARRAY['Normal','High','Urgent'])[1 + g % 3], 60 + g, "
               "'[]'::jsonb"),
        mirror("st_campaigns", "name, category, source, medium",
               "'Campaign ' || g, (ARRAY['Web','Referral','Mail'])[1 + g % 3], 'source', "
               "'medium'"),
        mirror("st_technicians", "user_id, name, email, phone_number, mobile_phone, "
               "business_unit_id, team",
               f"g, 'Technician ' || g, 'tech' || g || '@example.com', '', "
               f"pg_temp.spelt(pg_temp.digits(g + 900000), g), {ref('st_business_units')}, "
               f"(ARRAY['HVAC','Plumbing','Electrical'])[1 + g % 3]"),
        mirror("st_employees", "user_id, name, email, phone_number, role, business_unit_id",
               f"g, 'Employee ' || g, 'emp' || g || '@example.com', '', "
               f"(ARRAY['CSR','Dispatcher','Manager'])[1 + g % 3], {ref('st_business_units')}"),
        mirror("st_customers", "street, city, state, zip, name, type, balance, do_not_mail, "
               "do_not_service, merged_to_id",
               f"g || ' Main St', {cities}, {states}, lpad((32000 + g % 900)::text, 5, '0'), "
               f"'Customer ' || g, CASE WHEN g % 9 = 0 THEN 'Commercial' ELSE 'Residential' "
               f"END, round((pg_temp.r(g, 4) * 500)::numeric, 2), g % 20 = 0, g % 97 = 0, "
               f"NULL"),
        # Two of three contacts are phone numbers (spelt every usual way), the rest e-mails.
        mirror("st_customer_contacts", "customer_id, type, value, memo, do_not_text, phone_e164",
               f"{ref('st_customers')}, (ARRAY['MobilePhone','Phone','Email'])[1 + g % 3], "
               f"CASE WHEN g % 3 = 2 THEN 'customer' || g || '@example.com' "
               f"ELSE pg_temp.spelt(pg_temp.digits(g % {OTHER_ROWS['phones']}), g / 3) END, "
               f"'', g % 50 = 0, CASE WHEN g % 3 = 2 THEN NULL "
               f"ELSE '+1' || pg_temp.digits(g % {OTHER_ROWS['phones']}) END"),
        mirror("st_locations", "street, city, state, zip, customer_id, name, zone_id, "
               "merged_to_id",
               f"g || ' Oak Ave', {cities}, {states}, lpad((32000 + g % 900)::text, 5, '0'), "
               f"{ref('st_customers')}, 'Location ' || g, NULL, NULL"),
        mirror("st_projects", "number, name, status, sub_status, customer_id, location_id, "
               "project_type_id, start_date, target_completion_date, actual_completion_date",
               f"'P' || g, 'Project ' || g, (ARRAY['Open','Completed'])[1 + g % 2], '', "
               f"{ref('st_customers', 'g * 5')}, {ref('st_locations', 'g * 5')}, NULL, "
               f"pg_temp.ago(g, 5), NULL, NULL"),
        mirror("st_jobs", "job_number, customer_id, location_id, project_id, job_status, "
               "completed_on, business_unit_id, job_type_id, campaign_id, priority, "
               "sold_by_id, invoice_id, total, summary",
               f"'J' || g, {ref('st_customers')}, {ref('st_locations')}, NULL, "
               f"(ARRAY['Completed','Completed','Completed','Scheduled','Canceled','InProgress'])"
               f"[1 + g % 6], CASE WHEN g % 6 < 3 THEN pg_temp.ago(g, 3) END, "
               f"{ref('st_business_units')}, {ref('st_job_types')}, {ref('st_campaigns')}, "
               f"'Normal', NULL, NULL, round((pg_temp.r(g, 6) * 5000)::numeric, 2), "
               f"'Service call ' || g"),
        mirror("st_appointments", "job_id, customer_id, appointment_number, start, \"end\", "
               "arrival_window_start, arrival_window_end, status, is_confirmed",
               f"{ref('st_jobs')}, {ref('st_customers')}, 'A' || g, pg_temp.ago(g, 7), "
               f"pg_temp.ago(g, 7) + interval '2 hours', NULL, NULL, "
               f"(ARRAY['Done','Done','Scheduled','Canceled'])[1 + g % 4], g % 3 > 0"),
        mirror("st_appointment_assignments", "appointment_id, job_id, technician_id, "
               "technician_name, status, assigned_on",
               f"{ref('st_appointments')}, {ref('st_jobs')}, {ref('st_technicians')}, "
               f"'Technician ' || g % 60, (ARRAY['Done','Dispatched','Working'])[1 + g % 3], "
               f"pg_temp.ago(g, 7)"),
        mirror("st_estimates", "job_id, project_id, location_id, customer_id, name, "
               "job_number, status, review_status, summary, sold_on, sold_by_id, subtotal, "
               "tax, total, business_unit_id",
               f"{ref('st_jobs')}, NULL, {ref('st_locations')}, {ref('st_customers')}, "
               f"'Estimate ' || g, 'J' || g % {n['st_jobs']}, "
               f"(ARRAY['Open','Open','Sold','Dismissed'])[1 + g % 4], 'None', '', "
               f"CASE WHEN g % 4 = 2 THEN pg_temp.ago(g, 3) END, NULL, NULL, NULL, "
               f"round((pg_temp.r(g, 8) * 12000)::numeric, 2), {ref('st_business_units')}"),
        mirror("st_estimate_items", "estimate_id, sku_id, sku_name, description, qty, "
               "unit_rate, total",
               f"{ref('st_estimates')}, g % 500, 'SKU-' || g % 500, 'Item ' || g, 1, 100, 100"),
        mirror("st_invoices", "reference_number, invoice_date, due_date, customer_id, "
               "location_id, job_id, business_unit_id, sub_total, sales_tax, total, balance, "
               "paid_on",
               f"'INV' || g, pg_temp.ago(g, 3), NULL, {ref('st_customers')}, "
               f"{ref('st_locations')}, {ref('st_jobs')}, {ref('st_business_units')}, NULL, "
               f"NULL, round((pg_temp.r(g, 9) * 4000)::numeric, 2), 0, pg_temp.ago(g, 3)"),
        mirror("st_invoice_items", "invoice_id, sku_id, sku_name, description, type, quantity, "
               "price, total",
               f"{ref('st_invoices')}, g % 500, 'SKU-' || g % 500, 'Line ' || g, "
               f"(ARRAY['Service','Material','Equipment'])[1 + g % 3], 1, 80, 80"),
        mirror("st_payments", "customer_id, reference_number, date, type, total, "
               "unapplied_amount",
               f"{ref('st_customers')}, 'PAY' || g, pg_temp.ago(g, 3), "
               f"(ARRAY['Credit Card','Check','Cash','ACH'])[1 + g % 4], "
               f"round((pg_temp.r(g, 10) * 4000)::numeric, 2), 0"),
        mirror("st_installed_equipment", "location_id, customer_id, name, type, installed_on, "
               "serial_number, manufacturer, model, cost, status",
               f"{ref('st_locations')}, {ref('st_customers')}, 'Unit ' || g, "
               f"(ARRAY['AC','Furnace','Water heater'])[1 + g % 3], pg_temp.ago(g, 11), "
               f"'SN' || g, (ARRAY['Carrier','Trane','Rheem','Lennox'])[1 + g % 4], "
               f"'M-' || g % 40, NULL, 'Active'"),
        mirror("st_memberships", "customer_id, location_id, membership_type_id, "
               "business_unit_id, status, follow_up_status, billing_frequency, from_date, "
               "to_date, cancellation_date, sold_by_id",
               f"{ref('st_customers')}, {ref('st_locations')}, 1, {ref('st_business_units')}, "
               f"(ARRAY['Active','Expired','Canceled'])[1 + g % 3], 'None', "
               f"(ARRAY['Monthly','Annual'])[1 + g % 2], pg_temp.ago(g, 12), NULL, NULL, NULL"),
    ]


def ghl_sql(scale: float) -> list[str]:
    contacts = round(OTHER_ROWS["ghl_contacts"] * scale)
    opportunities = round(OTHER_ROWS["ghl_opportunities"] * scale)
    return [
        f"INSERT INTO ghl_contacts (id, raw, as_of, deleted, synced_at, location_id, "
        f"first_name, last_name, name, company_name, email, phone, source, type, assigned_to, "
        f"tags, dnd, sms_dnd, date_added, date_updated, st_customer_id, phone_e164) "
        f"SELECT 'c' || g, jsonb_build_object('id', 'c' || g), now(), false, now(), 'loc', "
        f"'First' || g, 'Last' || g, 'First' || g || ' Last' || g, '', "
        f"'c' || g || '@example.com', pg_temp.spelt(pg_temp.digits(g), g + 1), 'st', 'lead', "
        f"'', '[]'::jsonb, g % 40 = 0, NULL, pg_temp.ago(g, 13), pg_temp.ago(g, 14), "
        f"{BASE['st_customers']} + g, '+1' || pg_temp.digits(g) "
        f"FROM generate_series(0, {contacts - 1}) g",
        f"INSERT INTO ghl_opportunities (id, raw, as_of, deleted, synced_at, name, contact_id, "
        f"pipeline_id, pipeline_stage_id, status, monetary_value, assigned_to, source, "
        f"date_added, date_updated, last_status_change_at) "
        f"SELECT 'o' || g, '{{}}'::jsonb, now(), false, now(), 'Opportunity ' || g, "
        f"'c' || g % {contacts}, 'p1', 's1', (ARRAY['open','won','lost'])[1 + g % 3], 1000, "
        f"'', 'st', pg_temp.ago(g, 15), pg_temp.ago(g, 16), NULL "
        f"FROM generate_series(0, {opportunities - 1}) g",
    ]


def sms_sql(scale: float) -> list[str]:
    texts = round(OTHER_ROWS["sms_messages"] * scale)
    phones, opt_outs = OTHER_ROWS["phones"], round(OTHER_ROWS["opt_outs"] * scale)
    customers = round(ST_ROWS["st_customers"] * scale)
    # Inbound 2 in 5; outbound mostly delivered, some failed, blocked, deferred.
    status = ("CASE WHEN g % 5 < 2 THEN 'received' ELSE (ARRAY['delivered','delivered',"
              "'delivered','delivered','delivered','delivered','sent','failed','undelivered',"
              "'blocked','deferred','delivered'])[1 + (g / 5) % 12] END")
    # Rows are written as texts come and go: ids and times rise together, as in production.
    at = f"(now() - interval '365 days' * (1 - g::double precision / {texts}))"
    return [
        f"INSERT INTO sms_messages (direction, sid, idempotency_key, from_number, to_number, "
        f"phone, body, segments, purpose, status, error_code, error_message, customer_id, "
        f"workflow_instance_id, workflow_step_id, intent, attempts, send_after, raw, "
        f"created_at, updated_at, submitted_at, sent_at, delivered_at, failed_at, received_at) "
        f"SELECT d.direction, CASE WHEN s.status NOT IN ('blocked','deferred') "
        f"THEN 'SM' || md5(g::text) END, "
        f"CASE WHEN d.direction = 'outbound' THEN 'bench:' || g END, "
        f"CASE WHEN d.direction = 'inbound' THEN p.phone ELSE '+14075550100' END, "
        f"CASE WHEN d.direction = 'inbound' THEN '+14075550100' ELSE p.phone END, p.phone, "
        f"CASE WHEN d.direction = 'inbound' THEN (ARRAY['Yes','Thanks!','What time?','STOP',"
        f"'Can you come Tuesday?'])[1 + g % 5] ELSE 'Hi, this is PerfectCatch about your "
        f"estimate ' || g || '. Reply STOP to opt out.' END, 1, "
        f"CASE WHEN d.direction = 'outbound' THEN (ARRAY['marketing','transactional'])"
        f"[1 + g % 2] ELSE '' END, s.status, "
        f"CASE WHEN s.status IN ('failed','undelivered') THEN 30006 END, '', "
        f"{BASE['st_customers']} + g % {customers}, NULL, '', '', 1, "
        f"CASE WHEN s.status = 'deferred' THEN {at} + interval '1 day' END, '{{}}'::jsonb, "
        f"{at}, {at}, CASE WHEN d.direction = 'outbound' AND s.status NOT IN "
        f"('blocked','deferred') THEN {at} END, CASE WHEN s.status IN ('sent','delivered') "
        f"THEN {at} END, CASE WHEN s.status = 'delivered' THEN {at} END, "
        f"CASE WHEN s.status IN ('failed','undelivered') THEN {at} END, "
        f"CASE WHEN d.direction = 'inbound' THEN {at} END "
        f"FROM generate_series(0, {texts - 1}) g, "
        f"LATERAL (SELECT {status} AS status) s, "
        f"LATERAL (SELECT CASE WHEN g % 5 < 2 THEN 'inbound' ELSE 'outbound' END AS direction) d, "
        f"LATERAL (SELECT '+1' || pg_temp.digits((hashint8(g) & 2147483647) % {phones}) "
        f"AS phone) p",
        f"INSERT INTO customer_communication_preferences (phone, customer_id, sms_opted_out, "
        f"opted_out_at, opt_out_source, opted_in_at, needs_review, created_at, updated_at) "
        f"SELECT '+1' || pg_temp.digits(g * 7), NULL, g % 10 > 0, pg_temp.ago(g, 21), "
        f"(ARRAY['keyword','staff','import'])[1 + g % 3], CASE WHEN g % 10 = 0 "
        f"THEN now() END, g % 100 = 0, pg_temp.ago(g, 21), now() "
        f"FROM generate_series(0, {opt_outs - 1}) g",
        "INSERT INTO customer_communication_preference_changes (action, source, actor, reason, "
        "created_at, preference_id) SELECT CASE WHEN sms_opted_out THEN 'opt_out' ELSE "
        "'opt_in' END, opt_out_source, 'bench', 'bench', created_at, id "
        "FROM customer_communication_preferences",
    ]


EVENT_TYPES = ("estimate.created", "estimate.updated", "estimate.status_changed",
               "job.created", "job.updated", "job.completed", "appointment.created",
               "appointment.updated", "invoice.created", "invoice.paid", "payment.created",
               "customer.updated", "sms.received")


def workflow_sql(scale: float, definitions: list[tuple[int, int]]) -> list[str]:
    events = round(OTHER_ROWS["workflow_events"] * scale)
    instances = round(OTHER_ROWS["workflow_instances"] * scale)
    customers = round(ST_ROWS["st_customers"] * scale)
    estimates = round(ST_ROWS["st_estimates"] * scale)
    types = "ARRAY[" + ",".join(f"'{t}'" for t in EVENT_TYPES) + "]"
    defs = "ARRAY[" + ",".join(str(d) for d, _ in definitions) + "]"
    versions = "ARRAY[" + ",".join(str(v) for _, v in definitions) + "]"
    # Events in time order (ids grow with created_at), estimates' events name an estimate.
    event_sql = (
        f"INSERT INTO workflow_events (id, event_type, entity_type, entity_id, payload, source, "
        f"created_at, processed_at) SELECT g, t.type, split_part(t.type, '.', 1), "
        f"(CASE WHEN t.type LIKE 'estimate.%' THEN {BASE['st_estimates']} + g % {estimates} "
        f"ELSE 1000 + g % 50000 END)::text, "
        f"jsonb_build_object('id', g % 50000, 'status', (ARRAY['Open','Open','Sold','Dismissed'])"
        f"[1 + g % 4], 'total', round((pg_temp.r(g, 30) * 12000)::numeric, 2), 'customer_id', "
        f"{BASE['st_customers']} + g % {customers}), 'servicetitan', "
        f"now() - interval '365 days' * (1 - g::double precision / {events}), "
        f"now() - interval '365 days' * (1 - g::double precision / {events}) "
        f"+ interval '1 second' FROM generate_series(1, {events}) g, "
        f"LATERAL (SELECT ({types})[1 + (hashint8(g) & 2147483647) % {len(EVENT_TYPES)}] "
        f"AS type) t")
    status = ("(ARRAY['completed','completed','completed','completed','completed','completed',"
              "'completed','cancelled','waiting','waiting','failed','pending'])"
              "[1 + (hashint8(g + 5) & 2147483647) % 12]")
    at = f"now() - interval '365 days' * (1 - g::double precision / {instances})"
    instance_sql = (
        f"INSERT INTO workflow_instances (id, entity_type, entity_id, customer_id, status, "
        f"status_detail, current_step, next_run_at, context, attempts, last_error, visits, "
        f"exclusive, wait_event_type, wait_correlation, wait_step, timeout_step, claimed_by, "
        f"claim_expires_at, created_at, updated_at, finished_at, definition_id, "
        f"trigger_event_id, version_id, audience_day) "
        f"SELECT g, 'estimate', ({BASE['st_estimates']} + g)::text, "
        f"{BASE['st_customers']} + g % {customers}, s.status, '', "
        f"CASE WHEN s.status IN ('waiting','pending','failed') THEN 'text' ELSE '' END, "
        f"CASE WHEN s.status IN ('waiting','pending') THEN now() + interval '1 day' END, "
        f"jsonb_build_object('entity', jsonb_build_object('id', g, 'status', 'Open')), "
        f"CASE WHEN s.status = 'failed' THEN 5 ELSE 0 END, "
        f"CASE WHEN s.status = 'failed' THEN 'Twilio 30006: landline' ELSE '' END, "
        f"'{{}}'::jsonb, true, '', '{{}}'::jsonb, '', '', '', NULL, {at}, {at}, "
        f"CASE WHEN s.status IN ('completed','cancelled','failed') THEN {at} + "
        f"interval '2 days' END, ({defs})[1 + g % {len(definitions)}], "
        f"g * 10, ({versions})[1 + g % {len(definitions)}], NULL "
        f"FROM generate_series(1, {instances}) g, LATERAL (SELECT {status} AS status) s")
    steps = (
        "INSERT INTO workflow_step_runs (step_id, step_type, attempt, status, idempotency_key, "
        "input, output, error, worker, started_at, finished_at, duration_ms, instance_id) "
        "SELECT st.id, st.type, 1, CASE WHEN i.status = 'failed' AND st.n = 3 THEN 'failed' "
        "ELSE 'succeeded' END, i.id || ':' || st.id || ':1', '{}'::jsonb, '{}'::jsonb, "
        "CASE WHEN i.status = 'failed' AND st.n = 3 THEN i.last_error ELSE '' END, 'bench', "
        "i.created_at + st.n * interval '1 day', i.created_at + st.n * interval '1 day' "
        "+ interval '200 ms', 200, i.id FROM workflow_instances i, "
        "LATERAL (VALUES (1, 'start', 'set'), (2, 'wait', 'wait'), (3, 'text', 'send_sms')) "
        "AS st(n, id, type) WHERE i.status <> 'pending' AND (st.n < 3 OR i.status IN "
        "('completed','failed'))")
    matches = (
        "INSERT INTO workflow_event_matches (outcome, detail, checks, created_at, "
        "definition_id, event_id, version_id, instance_id) SELECT 'started', '', '[]'::jsonb, "
        "i.created_at, i.definition_id, i.trigger_event_id, i.version_id, i.id "
        "FROM workflow_instances i JOIN workflow_events e ON e.id = i.trigger_event_id")
    return [event_sql, instance_sql, steps, matches,
            "SELECT setval(pg_get_serial_sequence('workflow_events', 'id'), "
            "(SELECT max(id) FROM workflow_events))",
            "SELECT setval(pg_get_serial_sequence('workflow_instances', 'id'), "
            "(SELECT max(id) FROM workflow_instances))"]


def sync_log_sql(scale: float) -> list[str]:
    rows = round(OTHER_ROWS["st_sync_log"] * scale)
    return [
        f"INSERT INTO st_sync_log (run_id, resource, \"full\", status, started_at, finished_at, "
        f"pages, fetched, created, updated, unchanged, rejected, requests, retries, duration, "
        f"error, rejected_records, warning_samples, warnings, worker) SELECT gen_random_uuid(), "
        f"(ARRAY['customers','jobs','estimates','invoices','payments','appointments'])"
        f"[1 + g % 6], false, CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'success' END, "
        f"now() - interval '365 days' * (1 - g::double precision / {rows}), "
        f"now() - interval '365 days' * (1 - g::double precision / {rows}) + interval '2 s', "
        f"1, g % 40, g % 5, g % 30, g % 7, 0, 2, 0, 1.5, '', '[]'::jsonb, '[]'::jsonb, 0, "
        f"'bench:' || g % 4 "
        f"FROM generate_series(1, {rows}) g",
    ]


def conversations_sql() -> list[str]:
    """One conversation per number that has texts (``sms_conversations``, where the messaging
    inbox exists), from its texts: one in ten waiting for an answer since its last text in."""
    return [
        "INSERT INTO sms_conversations (phone, customer_id, state, owner_id, owner_rule, "
        "unanswered_since, last_inbound_at, last_inbound_id, last_outbound_at, "
        "needs_attention, notified_at, reminded_at, answered_by, created_at, updated_at) "
        "SELECT phone, max(customer_id), CASE WHEN n % 10 = 0 THEN 'open' WHEN n % 10 = 1 "
        "THEN 'closed' ELSE 'answered' END, NULL, '', CASE WHEN n % 10 = 0 THEN last_in END, "
        "last_in, last_in_id, last_out, false, NULL, NULL, CASE WHEN n % 10 > 1 THEN 'bench' "
        "ELSE '' END, first_at, greatest(last_in, last_out) FROM (SELECT phone, "
        "max(customer_id) AS customer_id, min(created_at) AS first_at, "
        "max(created_at) FILTER (WHERE direction = 'inbound') AS last_in, "
        "max(id) FILTER (WHERE direction = 'inbound') AS last_in_id, "
        "max(created_at) FILTER (WHERE direction = 'outbound') AS last_out, "
        "row_number() OVER (ORDER BY phone) AS n FROM sms_messages GROUP BY phone) t "
        "GROUP BY phone, n, last_in, last_in_id, last_out, first_at",
    ]


def run(statements: list[str], label: str, say: Callable[[str], None]) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS)
        for sql in statements:
            cursor.execute(sql)
    say(f"  {label}: {time.perf_counter() - started:.1f}s")


def empty() -> None:
    optional = [t for t in ("sms_conversations",) if t in connection.introspection.table_names()]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join([*TABLES, *optional])} RESTART IDENTITY CASCADE")
