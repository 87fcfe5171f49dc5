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

from collections.abc import Iterable, Mapping
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


class RecordCache:
    """Records shared by many facts (a backtest's events): ``preload`` reads many of one type
    in one query, ``get`` answers from what was read, else reads one and keeps it."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, int | None], Any] = {}

    def preload(self, entity_type: str, ids: Iterable[Any]) -> None:
        model = entities.ENTITY_MODELS.get(entity_type)
        wanted = {pk for pk in map(entities.int_id, ids)
                  if pk is not None and (entity_type, pk) not in self._records}
        if model is None or not wanted:
            return
        found = model.objects.in_bulk(wanted)
        self._records.update({(entity_type, pk): found.get(pk) for pk in wanted})

    def get(self, entity_type: str, entity_id: Any) -> Any:
        key = (entity_type, entities.int_id(entity_id))
        if key not in self._records:
            self._records[key] = entities.get_record(entity_type, entity_id)
        return self._records[key]


class EntityFacts:
    def __init__(self, root: Mapping[str, Any], entity_type: str, entity_id: Any,
                 changes: Mapping[str, Any] | None = None,
                 records: RecordCache | None = None):
        self.root = root
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.changes = dict(changes) if changes is not None else changes_of(root)
        self._records: dict[str, Any] = {}
        self._get = records.get if records is not None else entities.get_record

    @classmethod
    def for_event(cls, event, records: RecordCache | None = None) -> EntityFacts:
        payload = event.payload if isinstance(event.payload, Mapping) else {}
        return cls(payload, event.entity_type, event.entity_id, records=records)

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
                                                   self.entity_id, self._get)
        return self._records[name]
