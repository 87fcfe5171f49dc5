"""The instance context: what steps and templates see.

    {
      "entity":   the trigger event's payload without "changes" — the record's snapshot
                  when the event happened (estimate: id, status, total, customer_id, …);
                  for a manual start, the record's current columns
      "event":    {"type", "id", "payload"} of the trigger event (id null for a manual start)
      "customer": the customer's columns when the instance started, plus "first_name"
                  (the first word of the name); {} when the customer is unknown
      "steps":    {step id: that step's output}, e.g. steps.reply.event (a wait_for_event's
                  awaited event payload), steps.reply.timed_out, steps.hook.response
      "vars":     values written by set steps
    }

Money arrives as strings ("1250.00") and times as ISO-8601 strings, as in event payloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows import entities


def build_context(*, event_type: str, event_id: int | None, payload: Mapping[str, Any],
                  entity_type: str, entity_id: str,
                  customer_id: int | None) -> dict[str, Any]:
    customer = entities.snapshot(entities.get_record("customer", customer_id))
    if customer.get("name"):
        customer["first_name"] = customer["name"].split()[0]
    return {
        "entity": {k: v for k, v in payload.items() if k != "changes"},
        "event": {"type": event_type, "id": event_id, "payload": dict(payload)},
        "customer": customer,
        "steps": {},
        "vars": {},
    }


def merge(context: dict[str, Any], updates: Mapping[str, Any]) -> dict[str, Any]:
    """``updates`` merged into ``context`` (a copy): nested objects merge key by key, anything
    else replaces."""
    merged = dict(context)
    for key, value in updates.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged
