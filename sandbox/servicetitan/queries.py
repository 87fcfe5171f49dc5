"""Answering list and export requests from the store.

Lists are in id order, filtered by the records' times and active flag (changed records by
their ``Meta``); the matching indices are cached per resource version so paging is cheap.
Exports walk the resource's change log from a position: an opaque ``continueFrom`` token.
"""

from __future__ import annotations

import base64
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sandbox.servicetitan.params import BadRequest, ExportQuery, ListQuery
from sandbox.servicetitan.store import ControlError, Store

_NEVER, _ALWAYS = -(2**63), 2**63


def encode_token(resource: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{resource}:{position}".encode()).decode().rstrip("=")


def decode_token(resource: str, token: str) -> int:
    """The log position a token stands for; 400 when it is not one of this export's."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        name, _, position = text.rpartition(":")
        if name == resource and position.isdigit():
            return int(position)
    except ValueError:
        pass
    raise BadRequest({"from": [f"'{token}' is neither a date nor a continuation token of "
                               f"this export."]})


@dataclass(frozen=True)
class ExportPage:
    records: list[Any]
    has_more: bool
    continue_from: str


def export_page(store: Store, name: str, query: ExportQuery, page_size: int, now: int,
                recent_delay: int, redelivery: bool) -> ExportPage:
    """Up to ``page_size`` records changed since the query's start.

    Without ``includeRecentChanges`` the feed ends at changes older than ``recent_delay``;
    with it, at ``now``, and (when ``redelivery``) the record at the position just before the
    start is delivered again while it is still recent: ServiceTitan warns that recent changes
    may come more than once, so clients must upsert idempotently.
    """
    log = store.states[name].log
    if query.start is None:
        start = 0
    elif isinstance(query.start, int):
        start = log.first_at_or_after(query.start)
    else:
        start = min(decode_token(name, query.start), len(log))
    end = max(start, log.end_at(now if query.include_recent else now - recent_delay))
    records = []
    if query.include_recent and redelivery and 0 < start <= end:
        again = log.record_at(start - 1)
        recent = log.time_at(start - 1) > now - recent_delay
        if again is not None and recent and _passes(store, name, again, query.active):
            records.append(store.current(name, again))
    fresh, position = 0, start
    while position < end and fresh < page_size:
        index = log.record_at(position)
        position += 1
        if index is not None and _passes(store, name, index, query.active):
            records.append(store.current(name, index))
            fresh += 1
    return ExportPage(records, position < end, encode_token(name, position))


def _passes(store: Store, name: str, index: int, active: bool | None) -> bool:
    return active is None or store.meta(name, index).active == active


class ListCache:
    """The matching indices of recent list queries, keyed by resource version."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, Any] = OrderedDict()

    def get(self, key: tuple, compute) -> Any:
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        value = self.entries[key] = compute()
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self.entries.clear()


def list_page(store: Store, cache: ListCache, name: str,
              query: ListQuery) -> tuple[list[Any], bool, int | None]:
    """(records of the page, hasMore, totalCount or None)."""
    state = store.states[name]
    key = (name, state.version, query.bounds, query.active, query.ids, query.parent_id)
    indices = cache.get(key, lambda: _matching(store, name, query))
    offset = (query.page - 1) * query.page_size
    chunk = indices[offset:offset + query.page_size]
    omit = state.resource.list_omits
    records = [_without(store.current(name, i), omit) for i in chunk]
    total = len(indices) if query.include_total else None
    return records, len(indices) > offset + query.page_size, total


def _without(record: Any, omit: tuple[str, ...]) -> Any:
    if not omit or not isinstance(record, dict):
        return record
    return {key: value for key, value in record.items() if key not in omit}


def _bounds(query: ListQuery) -> tuple[int, int, int, int]:
    mod_low, mod_high, cre_low, cre_high = query.bounds
    return (_NEVER if mod_low is None else mod_low, _ALWAYS if mod_high is None else mod_high,
            _NEVER if cre_low is None else cre_low, _ALWAYS if cre_high is None else cre_high)


def _candidates(store: Store, name: str, query: ListQuery) -> list[int] | None:
    """Indices a lookup by ids or by parent narrows the list to; None when not narrowed."""
    state = store.states[name]
    if query.parent_id is not None:
        parent = state.resource.parent
        try:
            return store.children(name, store.index_of(parent, query.parent_id))
        except ControlError:
            return []
    if query.ids is not None:
        found = set()
        for record_id in query.ids:
            try:
                found.add(store.index_of(name, record_id))
            except ControlError:
                continue
        return sorted(found)
    return None


def _matching(store: Store, name: str, query: ListQuery) -> array:
    state, times = store.states[name], store.tenant.times[name]
    mod_low, mod_high, cre_low, cre_high = _bounds(query)
    want = query.active

    def fits(meta) -> bool:
        return (mod_low <= meta.modified < mod_high and cre_low <= meta.created < cre_high
                and (want is None or meta.active == want))

    candidates = _candidates(store, name, query)
    if candidates is not None:
        return array("q", [i for i in candidates if fits(store.meta(name, i))])
    created, modified, active = times.created, times.modified, times.active
    base = [i for i in range(state.base)
            if mod_low <= modified[i] < mod_high and cre_low <= created[i] < cre_high
            and (want is None or active[i] == want) and i not in state.meta]
    changed = [i for i, meta in state.meta.items() if fits(meta)]
    return array("q", sorted(base + changed) if changed else base)
