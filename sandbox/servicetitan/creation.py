"""Creating records through the control API (``Store.create``)."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.servicetitan.store import CHILD_OF, ControlError, Store
from sandbox.servicetitan.timefmt import iso


def create(store: Store, name: str, fields: Any, touch_parent: bool = True) -> dict:
    state = store.state(name)
    resource = state.resource
    if not isinstance(fields, dict):
        raise ControlError(400, "fields must be a JSON object")
    fields = dict(fields)
    parent = _parent(store, name, fields) if resource.parent else None
    child = CHILD_OF.get(name)
    items = fields.pop("items", []) if child else []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ControlError(400, "items must be a list of JSON objects")
    template = _template(store, name)
    fields = store.checked_fields(name, template, fields)
    for item in items:  # check every item before anything is written
        item_fields = {k: v for k, v in item.items()
                       if k != store.states[child].resource.parent_param}
        store.checked_fields(child, _template(store, child), item_fields)
    index = state.total
    state.created += 1
    record_id = resource.id_base + index + 1
    now = iso(store.now())
    record = {**template, "createdOn": now, "modifiedOn": now, **fields, "id": record_id}
    if "active" in template:
        record.setdefault("active", True)
    if resource.number_field:
        record[resource.number_field] = str(fields.get(resource.number_field, record_id))
    if parent is not None:
        state.parent_of[index] = parent
        state.extra_children.setdefault(parent, []).append(index)
        if resource.parent_key:
            record[resource.parent_key] = store.states[resource.parent].resource.id_base + (
                parent + 1)
    if child:
        record["items"] = []
    store.write(name, index, record)
    for item in items:
        param = store.states[child].resource.parent_param
        create(store, child, {**item, param: record_id}, touch_parent=False)
    if items:
        store.embed_items(name, index)
    if parent is not None and touch_parent:
        store.embed_items(resource.parent, parent)
    return copy.deepcopy(store.current(name, index))


def _parent(store: Store, name: str, fields: dict) -> int:
    """The parent index named by the item's parent parameter (removed from ``fields`` when
    the item record has no such field)."""
    resource = store.states[name].resource
    param = resource.parent_param
    if param not in fields:
        raise ControlError(400, f"a new {name} record needs {param} (its {resource.parent} id)")
    value = fields[param] if param == resource.parent_key else fields.pop(param)
    try:
        return store.index_of(resource.parent, value)
    except ControlError as error:
        raise ControlError(400, f"{param}: {error.message}") from None


def _template(store: Store, name: str) -> dict:
    """A generated record of the resource to copy unspecified fields from (never one the
    control API changed, which could be any JSON)."""
    state = store.states[name]
    if not state.base:
        return {}
    template = state.resource.generator(store.tenant, state.total % state.base)
    if CHILD_OF.get(name):
        template["items"] = []
    return template
