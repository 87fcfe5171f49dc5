"""The current state of every resource: generated base records plus what the control API
changed. Only changes are kept in memory (``overrides``); each is logged in the resource's
``ChangeLog`` so exports pick it up.

Records are addressed by index (id = id_base + index + 1, also for created records), so a
record whose raw JSON was replaced by something without an id is still addressable by the id
it had. Stored records are never mutated in place: a change stores a fresh copy, which lets
responses be serialised outside the sandbox lock.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from sandbox.servicetitan.changelog import ChangeLog
from sandbox.servicetitan.layout import Tenant
from sandbox.servicetitan.resources import BY_NAME, RESOURCES, Resource
from sandbox.servicetitan.timefmt import iso, parse
from sandbox.servicetitan.worded import with_worded_items, with_words


class ControlError(Exception):
    """A control request that cannot be carried out; ``status`` is the HTTP status to send."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Meta:
    """What filters need to know about a changed record, whatever its JSON now holds."""

    created: int
    modified: int
    active: bool


@dataclass
class ResourceState:
    resource: Resource
    base: int
    log: ChangeLog
    overrides: dict[int, Any] = field(default_factory=dict)
    meta: dict[int, Meta] = field(default_factory=dict)
    created: int = 0
    version: int = 0
    parent_of: dict[int, int] = field(default_factory=dict)        # created child -> parent
    extra_children: dict[int, list[int]] = field(default_factory=dict)

    def clear(self) -> None:
        self.log.clear()
        self.overrides, self.meta, self.parent_of, self.extra_children = {}, {}, {}, {}
        self.created = self.version = 0

    @property
    def total(self) -> int:
        return self.base + self.created


CHILD_OF = {r.parent: r.name for r in RESOURCES if r.parent}


class Store:
    def __init__(self, tenant: Tenant, now, worded_share=lambda: 0.0) -> None:
        """``now()`` returns the sandbox clock in µs; ``worded_share()`` the share of
        generated records whose free-string amounts hold words (``worded.py``)."""
        self.tenant = tenant
        self.now = now
        self.worded_share = worded_share
        self.states = {r.name: ResourceState(r, tenant.count(r.name),
                                             ChangeLog(tenant.times[r.name].modified))
                       for r in RESOURCES}

    def reset(self) -> None:
        for state in self.states.values():
            state.clear()

    # --- reading ------------------------------------------------------------------------
    def state(self, name: str) -> ResourceState:
        if name not in self.states:
            raise ControlError(404, f"unknown resource {name!r}; one of {sorted(self.states)}")
        return self.states[name]

    def current(self, name: str, index: int) -> Any:
        state = self.states[name]
        if index in state.overrides:
            return state.overrides[index]
        record = state.resource.generator(self.tenant, index)
        share = self.worded_share()
        if share:
            record = with_words(self.tenant.seed, state.resource, index, record, share)
            if name in CHILD_OF:
                record = with_worded_items(self.tenant.seed, BY_NAME[CHILD_OF[name]], record,
                                           share)
        return record

    def meta(self, name: str, index: int) -> Meta:
        state = self.states[name]
        if index in state.meta:
            return state.meta[index]
        times = self.tenant.times[name]
        return Meta(times.created[index], times.modified[index], bool(times.active[index]))

    def index_of(self, name: str, record_id: Any) -> int:
        state = self.state(name)
        index = record_id - state.resource.id_base - 1 if type(record_id) is int else -1
        if not 0 <= index < state.total:
            raise ControlError(404, f"no {name} record with id {record_id!r}")
        return index

    def children(self, child: str, parent: int) -> list[int]:
        """Indices of the child records of parent index ``parent`` (base, then created)."""
        state = self.states[child]
        tree = self.tenant.trees[child]
        base = list(tree.children(parent)) if parent < len(tree.start) - 1 else []
        return base + state.extra_children.get(parent, [])

    def get(self, name: str, record_id: Any) -> Any:
        return copy.deepcopy(self.current(name, self.index_of(name, record_id)))

    # --- writing ------------------------------------------------------------------------
    def write(self, name: str, index: int, record: Any, active: bool | None = None) -> None:
        """Store ``record`` as the current JSON of a record and log the change. Filters then
        use its createdOn/modifiedOn/active when they parse, else what was known before."""
        state = self.states[name]
        now = self.now()
        if index in state.meta or index < state.base:
            before = self.meta(name, index)
        else:
            before = Meta(now, now, True)
        fields = record if isinstance(record, dict) else {}
        if active is None:
            active = fields["active"] if type(fields.get("active")) is bool else before.active
        state.overrides[index] = record
        state.meta[index] = Meta(parse(fields.get("createdOn")) or before.created,
                                 parse(fields.get("modifiedOn")) or now, active)
        state.log.append(index, now)
        state.version += 1

    def checked_fields(self, name: str, record: dict, fields: Any) -> dict:
        """``fields`` if they may be applied to ``record``; else ``ControlError`` (400)."""
        if not isinstance(fields, dict):
            raise ControlError(400, "fields must be a JSON object")
        unknown = sorted(set(fields) - set(record)) if record else []
        if unknown:
            raise ControlError(400, f"{name} records have no field(s) {unknown}")
        if "id" in fields:
            raise ControlError(400, "the id of a record cannot change")
        if CHILD_OF.get(name) and "items" in fields:
            raise ControlError(400, f"change items through the {CHILD_OF[name]} resource")
        if "active" in fields and type(fields["active"]) is not bool:
            raise ControlError(400, "active must be true or false")
        for key in ("createdOn", "modifiedOn"):
            if key in fields and parse(fields[key]) is None:
                raise ControlError(400, f"{key} must be an ISO 8601 date-time")
        return fields

    def update(self, name: str, record_id: Any, fields: Any) -> dict:
        """Change fields of a record: it gets modifiedOn = now (unless ``modifiedOn`` is
        given) and moves to the end of the change log. Its parent (for items) changes too."""
        index = self.index_of(name, record_id)
        record = self.current(name, index)
        if not isinstance(record, dict):
            raise ControlError(409, f"{name} {record_id} holds raw JSON that is not an object")
        record = copy.deepcopy(record)
        record.update(self.checked_fields(name, record, fields))
        if "modifiedOn" not in fields:
            record["modifiedOn"] = iso(self.now())
        self.write(name, index, record)
        self._touch_parent(name, index)
        return copy.deepcopy(record)

    def deactivate(self, name: str, record_id: Any) -> dict:
        index = self.index_of(name, record_id)
        record = self.current(name, index)
        if isinstance(record, dict) and "active" in record:
            return self.update(name, record_id, {"active": False})
        record = copy.deepcopy(record)
        if isinstance(record, dict) and "modifiedOn" in record:
            record["modifiedOn"] = iso(self.now())
        self.write(name, index, record, active=False)
        self._touch_parent(name, index)
        return record

    def replace(self, name: str, record_id: Any, raw: Any) -> Any:
        """Store ``raw`` as the record's JSON, whatever it is (tests inject malformed data)."""
        index = self.index_of(name, record_id)
        self.write(name, index, copy.deepcopy(raw))
        return raw

    def create(self, name: str, fields: Any) -> dict:
        """A new record: fields not given are copied from an existing record of the resource
        (so references stay valid); id, createdOn and modifiedOn are new. A parent's ``items``
        become item records of their own; an item needs its parent (``invoiceId`` or
        ``estimateId``)."""
        from sandbox.servicetitan.creation import create

        return create(self, name, fields)

    def _touch_parent(self, name: str, index: int) -> None:
        resource = self.states[name].resource
        if resource.parent is None:
            return
        parent = self.parent_index(name, index)
        self.embed_items(resource.parent, parent)

    def parent_index(self, name: str, index: int) -> int:
        state = self.states[name]
        if index in state.parent_of:
            return state.parent_of[index]
        return self.tenant.trees[name].parent(index)

    def embed_items(self, parent: str, index: int) -> None:
        """Rewrite a parent record's ``items`` from its active item records and log it."""
        child = CHILD_OF[parent]
        record = self.current(parent, index)
        if not isinstance(record, dict):
            return
        record = copy.deepcopy(record)
        record["items"] = [self.embedded(child, k) for k in self.children(child, index)
                           if self.meta(child, k).active]
        record["modifiedOn"] = iso(self.now())
        self.write(parent, index, record)

    def embedded(self, child: str, index: int) -> Any:
        """An item record as its parent embeds it: without ``active`` and the parent's id."""
        record = self.current(child, index)
        if not isinstance(record, dict):
            return record
        drop = ("active", self.states[child].resource.parent_key)
        return {key: value for key, value in record.items() if key not in drop}
