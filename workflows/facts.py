"""Facts: what a rule's dotted fields resolve against (see ``workflows.conditions``).

A path is looked up, in order:
1. in ``root`` — the event payload (trigger conditions, cancel rules) or the instance context
   with the entity snapshot's fields at the top level (the ``condition`` step);
2. when its first part names a record type (``customer``, ``location``, ``job``, …), in that
   related record, read live: typed columns first, then ``raw`` (``location.address.state``);
3. in the entity's own record (a column the payload does not carry).
Related records are loaded at most once per Facts object, and only when a rule asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows import entities
from workflows.conditions import MISSING


def changes_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``{field: [old, new]}`` from the payload's ``changes``; a status_changed event's
    ``old_status``/``new_status`` count as a change of ``status``."""
    if not isinstance(payload, Mapping):
        return {}
    changes = payload.get("changes")
    changes = dict(changes) if isinstance(changes, Mapping) else {}
    if "status" not in changes and ("old_status" in payload or "new_status" in payload):
        changes["status"] = [payload.get("old_status"), payload.get("new_status")]
    return changes


class EntityFacts:
    def __init__(self, root: Mapping[str, Any], entity_type: str, entity_id: Any,
                 changes: Mapping[str, Any] | None = None):
        self.root = root
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.changes = dict(changes) if changes is not None else changes_of(root)
        self._records: dict[str, Any] = {}

    @classmethod
    def for_event(cls, event) -> EntityFacts:
        payload = event.payload if isinstance(event.payload, Mapping) else {}
        return cls(payload, event.entity_type, event.entity_id)

    @classmethod
    def for_context(cls, context: Mapping[str, Any], entity_type: str,
                    entity_id: Any) -> EntityFacts:
        root = {**context.get("entity", {}), **context}
        payload = context.get("event", {}).get("payload", {})
        return cls(root, entity_type, entity_id, changes_of(payload))

    def get(self, path: str) -> Any:
        segments = path.split(".")
        value = entities.dig(self.root, segments)
        if value is not MISSING:
            return value
        head = segments[0]
        if head in entities.ENTITY_MODELS:
            record = self._record(head)
            return MISSING if record is None else entities.record_value(record, segments[1:])
        own = self._record(self.entity_type)
        return MISSING if own is None else entities.record_value(own, segments)

    def change(self, name: str) -> Any:
        change = self.changes.get(name)
        return tuple(change) if isinstance(change, list | tuple) and len(change) == 2 else MISSING

    def _record(self, name: str) -> Any:
        if name not in self._records:
            self._records[name] = entities.related(self.root, name, self.entity_type,
                                                   self.entity_id)
        return self._records[name]
