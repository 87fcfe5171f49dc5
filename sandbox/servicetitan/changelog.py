"""The change feed behind one resource's export endpoint.

Positions ``0 .. base-1`` hold the base records in modifiedOn order; every later change
(create, update, deactivate, replace) appends one entry, and the changed record moves there:
its earlier position goes stale and is skipped. So a full walk meets every record exactly
once, and an export ``continueFrom`` token is just a position. Entry times never go back,
which makes ``from=<date>`` and the recent-changes cut-off binary searches.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right


class ChangeLog:
    def __init__(self, modified: array) -> None:
        """``modified``: the base records' modification times (µs), by record index."""
        self._order = array("q", sorted(range(len(modified)), key=modified.__getitem__))
        self._base_times = array("q", (modified[i] for i in self._order))
        self.clear()

    def clear(self) -> None:
        """Forget every change: back to the base records alone."""
        self._entries = array("q")
        self._entry_times = array("q")
        self._latest: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._order) + len(self._entries)

    @property
    def base(self) -> int:
        return len(self._order)

    def append(self, index: int, at: int) -> int:
        """Log a change of record ``index`` at time ``at`` (µs); returns its position."""
        if self._entry_times:
            at = max(at, self._entry_times[-1])
        elif self._base_times:
            at = max(at, self._base_times[-1])
        self._entries.append(index)
        self._entry_times.append(at)
        position = len(self) - 1
        self._latest[index] = position
        return position

    def record_at(self, position: int) -> int | None:
        """The record index at ``position``, or None when that record moved on since."""
        base = len(self._order)
        index = self._order[position] if position < base else self._entries[position - base]
        return index if self._latest.get(index, position) == position else None

    def time_at(self, position: int) -> int:
        base = len(self._order)
        if position < base:
            return self._base_times[position]
        return self._entry_times[position - base]

    def first_at_or_after(self, at: int) -> int:
        """The first position logged at or after ``at``."""
        position = bisect_left(self._base_times, at)
        if position < len(self._base_times):
            return position
        return len(self._order) + bisect_left(self._entry_times, at)

    def end_at(self, at: int) -> int:
        """One past the last position logged at or before ``at``."""
        position = bisect_right(self._base_times, at)
        if position < len(self._base_times):
            return position
        return len(self._order) + bisect_right(self._entry_times, at)
