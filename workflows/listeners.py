"""Who listens for an event type: whether the engine would act on an event of that type now.

    listens_for("sms.received")   an instance waits for it, an active definition starts on
                                  it, or a live instance's version is cancelled by it

The rule is the engine's (``engine.matching``): a definition starts on the types of its
current version's ``trigger_event`` (one, or several separated by commas: ``trigger_types``),
a live instance is cancelled by its own version's ``cancel_on``, and a waiting instance is
woken by its ``wait_event_type``. A writer on a hot path asks before it wakes the workers:
the ``NOTIFY`` only saves latency (the event is in the outbox either way, and a worker finds
it at its next poll), while PostgreSQL serialises the commits of all transactions that
notified.

A reply stopping marketing (``stop_on_reply``) wakes nobody: nearly every text would find a
live instance of such a definition, and each NOTIFY serialises the webhook's commits; the
cancellation happens at the workers' next poll instead.

``LISTENING_SQL`` is the rule as one SQL condition on ``%(event_type)s``, for a statement that
writes the event itself (``messaging.services.received``); ``listens_for`` runs it.
PostgreSQL only (jsonb); elsewhere the workers poll and nothing is notified.
"""

from __future__ import annotations

from django.db import connection

from workflows.models import LIVE_STATUSES, InstanceStatus

# What ``str.strip`` takes off each comma-separated part of ``trigger_event``, as an escaped
# SQL string: PostgreSQL's btrim would otherwise take spaces only.
_BLANKS = "E'" + "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x3001)) if c.isspace()) + "'"
_LIVE = ", ".join(f"'{status}'" for status in LIVE_STATUSES)


def starts_on_sql(trigger_event: str, event_type: str) -> str:
    """SQL: whether the ``trigger_event`` expression names ``event_type`` among its
    comma-separated types — ``event_type in trigger_types(trigger_event)``."""
    # strpos first: only a trigger_event holding the name is split.
    return (f"(strpos({trigger_event}, {event_type}) > 0 AND {event_type} IN ("  # noqa: S608
            f"SELECT btrim(part, {_BLANKS}) "
            f"FROM unnest(string_to_array({trigger_event}, ',')) AS part))")


LISTENING_SQL = f"""(
    EXISTS (SELECT 1 FROM workflow_instances
            WHERE status = '{InstanceStatus.WAITING}' AND wait_event_type = %(event_type)s)
    OR EXISTS (SELECT 1 FROM workflow_definitions d
               JOIN workflow_definition_versions v ON v.id = d.current_version_id
               WHERE d.active AND {starts_on_sql("v.trigger_event", "%(event_type)s")})
    OR EXISTS (SELECT 1 FROM workflow_definition_versions v
               WHERE v.cancel_on @> jsonb_build_array(
                   jsonb_build_object('event', %(event_type)s::text))
               AND EXISTS (SELECT 1 FROM workflow_instances i
                           WHERE i.definition_id = v.definition_id AND i.version_id = v.id
                           AND i.status IN ({_LIVE}))))"""  # noqa: S608  (constants only)


def listens_for(event_type: str) -> bool:
    """Whether anything would act on an event of ``event_type`` now (False off PostgreSQL,
    where nothing is notified)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {LISTENING_SQL}", {"event_type": event_type})
        return cursor.fetchone()[0]
