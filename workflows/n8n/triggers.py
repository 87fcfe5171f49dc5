"""n8n trigger nodes to a definition's trigger.

A native definition starts on events (``estimate.created``, ``sms.received``, …). n8n's
triggers map when the event is recognisable: the Twilio trigger is ``sms.received``; a
webhook whose path or name says what it announces ("estimate-created") is that event; a
schedule that polls a mirror table (Schedule → Postgres ``SELECT … FROM st_estimates …``) is
that table's change events with the query's filter. Otherwise the definition gets a
placeholder trigger (``placeholder.<what>``, see ``workflows.placeholders``) that staff must
replace before switching it on, and the report says why.

A schedule that is not such a poll is ``mapping.AUDIENCE``'s (``audience``): when it reads
one mirror table by the records' age (``to_date <= now() + interval '30 days'``), its intent
is an audience — an inactive audience trigger with the query's filter as the rule, evaluated
daily at the schedule's hour; any other schedule keeps a placeholder trigger and the report
says what to write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from config.logs import mask
from workflows.n8n import sql
from workflows.n8n.expressions import Prefix, Scope
from workflows.n8n.graph import Graph, Node
from workflows.n8n.nodes.actions import INBOUND_TEXT
from workflows.n8n.nodes.base import Status, listed
from workflows.placeholders import PREFIX

DATABASES = ("n8n-nodes-base.postgres", "n8n-nodes-base.mySql")
RECORD = Prefix("entity")
# The record of an event that came in as a webhook call: n8n wraps it in body/query/params.
WEBHOOK_RECORD = Prefix("entity", skip=frozenset({"body", "query", "params"}))


@dataclass
class Trigger:
    event: str                              # event type(s), or a placeholder ("": audience)
    status: Status
    detail: str
    rule: dict[str, Any] = field(default_factory=dict)
    audience: dict[str, Any] = field(default_factory=dict)   # an audience trigger's config
    reentry: str | None = None
    scope: Scope | None = None              # what $json means after the trigger
    notes: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    absorbs: str | None = None              # a node the trigger stands for (a recognised poll)
    absorbed_detail: str = ""


TriggerConverter = Callable[[Node, Graph], Trigger]


def placeholder(what: str, why: str) -> Trigger:
    return Trigger(f"{PREFIX}{what}", Status.UNSUPPORTED,
                   f"{why}; the definition's trigger is the placeholder {PREFIX}{what}: choose "
                   f"its event before switching it on")


# --- schedules ------------------------------------------------------------------------------


def audience(node: Node, when: str, read: sql.Recognised | None = None) -> Trigger:
    """A schedule's intent as an audience: ``read``, a read of the mirror selecting records by
    their age, becomes an audience trigger; without one (the schedule reads nothing we can
    recognise) a placeholder trigger, reported."""
    if read is None:
        return placeholder("schedule", f"runs {when} and reads no table of the ServiceTitan "
                                       f"mirror by the records' dates: give it an audience "
                                       f"trigger (trigger kind audience: which records, by "
                                       f"which rule) or an event")
    at, notes = daily_time(node), list(read.notes)
    if at is None:
        at = "09:00"
        notes.append(f"n8n ran it {when}; an audience is evaluated once a day, at 09:00 here "
                     f"(audience.at)")
    notes.append("each record enters once (audience.entry once): n8n picked the same records "
                 "on every run, so check what it did to avoid repeats")
    config = {"entity": read.entity, "rule": read.audience_rule(), "at": at, "entry": "once"}
    return Trigger("", Status.APPROXIMATED,
                   f"n8n read {read.table} {when}, selecting records by their dates; here an "
                   f"audience of {read.entity} records evaluated daily at {at}, each entering "
                   f"once", rule={}, audience=config, scope=RECORD, notes=notes)


def polls(describe: Callable[[Mapping[str, Any]], str],
          otherwise: Callable[..., Trigger]) -> TriggerConverter:
    """A schedule: a recognised read of the mirror right after it becomes that table's change
    events, or (a read by the records' dates) ``otherwise(node, when, read)``, an audience;
    any other schedule is ``otherwise(node, when)``'s."""

    def convert(node: Node, graph: Graph) -> Trigger:
        when = describe(node.params)
        targets = graph.targets(node.name)
        poll = graph.nodes[targets[0]] if len(targets) == 1 else None
        if poll is None or poll.type not in DATABASES or poll.disabled:
            return otherwise(node, when)
        try:
            found = _recognise(poll)
            trigger = _events(found, when) if found.is_poll else otherwise(node, when, found)
        except sql.NotRecognised as exc:
            trigger = otherwise(node, when)
            trigger.notes.append(f"the query in {poll.name!r} is not a recognisable read of the "
                                 f"ServiceTitan mirror ({exc})")
            return trigger
        trigger.absorbs = poll.name
        what, rule = ("audience's rule", trigger.audience["rule"]) if trigger.audience else \
            ("trigger's conditions", trigger.rule)
        trigger.absorbed_detail = f"read as the {what}: {rule or 'none'}"
        return trigger

    return convert


def _events(found: sql.Recognised, when: str) -> Trigger:
    return Trigger(found.trigger_event, Status.APPROXIMATED,
                   f"n8n polled {found.table} {when}; here each change is an event: "
                   f"trigger {found.trigger_event}, once per {found.entity}",
                   rule=found.rule, reentry="once", scope=RECORD,
                   notes=[*found.dropped_windows(), *found.notes])


def daily_time(node: Node) -> str | None:
    """The local time a schedule ran at once a day ("09:30"), or None when it did not run
    daily at a set time (every 15 minutes, hourly, a cron expression)."""
    params = node.params
    rule = params.get("rule") if isinstance(params.get("rule"), Mapping) else {}
    items = listed(rule, "interval")
    if node.type.endswith("scheduleTrigger") and len(items) == 1 and \
            items[0].get("field", "days") == "days" and items[0].get("daysInterval", 1) == 1:
        return _clock(items[0].get("triggerAtHour", 0), items[0].get("triggerAtMinute", 0))
    times = params.get("triggerTimes") if isinstance(params.get("triggerTimes"), Mapping) else {}
    cron = listed(times, "item")
    if node.type.endswith("cron") and len(cron) == 1 and \
            cron[0].get("mode", "everyDay") == "everyDay":
        return _clock(cron[0].get("hour", 14), cron[0].get("minute", 0))
    return None


def _clock(hour: Any, minute: Any) -> str | None:
    if isinstance(hour, int) and isinstance(minute, int) and 0 <= hour < 24 and \
            0 <= minute < 60:
        return f"{hour:02}:{minute:02}"
    return None


def _recognise(node: Node) -> sql.Recognised:
    params = node.params
    operation = params.get("operation", "insert")
    if operation == "executeQuery":
        return sql.recognise_query(str(params.get("query", "")))
    if operation == "select":
        table = params.get("table")
        table = table.get("value") if isinstance(table, Mapping) else table
        where = params.get("where") if isinstance(params.get("where"), Mapping) else {}
        return sql.recognise_select(table, listed(where, "values"),
                                    params.get("combineConditions"))
    raise sql.NotRecognised(f"a {operation}, not a read")


def schedule_rule(params: Mapping[str, Any]) -> str:
    """Schedule Trigger v1–v1.3: ``rule.interval[]``."""
    rule = params.get("rule") if isinstance(params.get("rule"), Mapping) else {}
    parts = []
    for item in listed(rule, "interval") or [{}]:
        unit = item.get("field", "days")
        if unit == "cronExpression":
            parts.append(f"on cron {item.get('expression', '')!r}")
            continue
        count = item.get(f"{unit}Interval", 1)
        at = f" at {item['triggerAtHour']}h" if "triggerAtHour" in item else ""
        parts.append(f"every {count} {unit}{at}")
    return ", ".join(parts)


def cron_times(params: Mapping[str, Any]) -> str:
    """Cron v1: ``triggerTimes.item[]``."""
    times = params.get("triggerTimes") if isinstance(params.get("triggerTimes"), Mapping) else {}
    parts = []
    for item in listed(times, "item"):
        mode = item.get("mode", "everyDay")
        if mode == "custom":
            parts.append(f"on cron {item.get('cronExpression', '')!r}")
        elif mode == "everyX":
            parts.append(f"every {item.get('value', 2)} {item.get('unit', 'hours')}")
        else:
            clock = f" at {item.get('hour', 14):02}:{item.get('minute', 0):02}" if mode in (
                "everyDay", "everyWeek", "everyMonth") else ""
            parts.append(re.sub(r"(?<!^)([A-Z])", r" \1", mode).lower() + clock)
    return ", ".join(parts) or "on a schedule"


def interval(params: Mapping[str, Any]) -> str:
    return f"every {params.get('interval', 1)} {params.get('unit', 'seconds')}"


# --- webhooks -------------------------------------------------------------------------------

# A webhook announces one of our events when its path or name says so.
WEBHOOK_EVENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bopt ?outs?\b|\bunsubscribe"), "sms.opted_out"),
    (re.compile(r"\b(sms|twilio)\b"), "sms.received"),
    (re.compile(r"\bopportunit|\bghl\b|\bhigh ?level\b"), "ghl.opportunity.updated"),
)
_RESOURCE = re.compile(r"\b(estimate|job|invoice|appointment|customer|payment|membership|"
                       r"project)s? (created|new|updated|changed|status|completed|paid)\b")
_VERBS = {"created": "created", "new": "created", "updated": "updated", "changed": "updated",
          "status": "status_changed", "completed": "status_changed", "paid": "updated"}
MILESTONES = {("job", "completed"): "job.completed", ("invoice", "paid"): "invoice.paid"}


def webhook(node: Node, graph: Graph) -> Trigger:
    """Webhook v1–v2.x: ``path``, ``httpMethod``. The URL n8n listened on is reported: its
    caller must be re-pointed or switched off."""
    path = str(node.params.get("path", "")).strip("/")
    url = f"{node.params.get('httpMethod', 'GET')} <n8n>/webhook/{path}"
    repoint = (f"re-point or switch off whatever calls {mask(url)}: this service takes Twilio "
               f"at /webhooks/twilio/sms/, GHL at /webhooks/ghl/ and ServiceTitan through the "
               f"sync")
    event = webhook_event(f"{path} {node.name}")
    notes = ["the webhook's data ($json.body.x) is read as the event's record (entity.x): "
             "check the field names"]
    if event is None:
        trigger = placeholder("webhook", "no native event matches a webhook call")
        trigger.detail += f"; {repoint}"
    else:
        trigger = Trigger(event, Status.APPROXIMATED, f"starts on {event} (recognised from the "
                          f"webhook's path and name); {repoint}")
    trigger.scope, trigger.notes = WEBHOOK_RECORD, notes
    return trigger


def webhook_event(text: str) -> str | None:
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
    for pattern, event in WEBHOOK_EVENTS:
        if pattern.search(words):
            return event
    found = _RESOURCE.search(words)
    if found is None:
        return None
    resource, verb = found.groups()
    return MILESTONES.get((resource, verb), f"{resource}.{_VERBS[verb]}")


# --- the others -----------------------------------------------------------------------------


def twilio_trigger(node: Node, graph: Graph) -> Trigger:
    updates = node.params.get("updates") or ["com.twilio.messaging.inbound-message.received"]
    if not any("inbound-message" in str(u) for u in updates):
        return placeholder("twilio", f"Twilio events {updates} have no native event")
    return Trigger("sms.received", Status.CONVERTED, "starts on sms.received (a text came in)",
                   scope=INBOUND_TEXT)


def manual(node: Node, graph: Graph) -> Trigger:
    return placeholder("manual", "started by hand in n8n; a definition starts on an event")


def error_trigger(node: Node, graph: Graph) -> Trigger:
    return placeholder("error", "n8n's error workflow: here a failed instance shows in the "
                                "admin (Workflow instances, status failed)")


def sub_workflow(node: Node, graph: Graph) -> Trigger:
    return placeholder("sub_workflow", "called by another n8n workflow: fold these steps into "
                                       "the definition that calls it")


def other(node: Node, graph: Graph) -> Trigger:
    return placeholder("trigger", f"no native event for n8n's {node.short_type}")


def no_trigger() -> Trigger:
    return placeholder("trigger", "the workflow has no trigger")
