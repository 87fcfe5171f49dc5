"""Deterministic per-record randomness.

Every random choice in the synthetic tenant comes from a ``Dice`` keyed by (seed, aspect,
index). The key is hashed with ``zlib.crc32`` (stable across processes and Python versions,
unlike ``hash()``) and drives a splitmix64 stream, so record *i* can be generated on demand,
in any order, and always comes out the same.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_TWO64 = float(1 << 64)


@lru_cache(maxsize=1024)
def _prefix(seed: int, aspect: str) -> int:
    return zlib.crc32(f"{seed}:{aspect}:".encode())


class Dice:
    """A tiny splitmix64 generator seeded from (seed, aspect, index)."""

    __slots__ = ("_state",)

    def __init__(self, seed: int, aspect: str, index: int) -> None:
        # crc32 of "seed:aspect:index", continuing from the cached crc of "seed:aspect:".
        self._state = zlib.crc32(str(index).encode(), _prefix(seed, aspect))

    def next(self) -> int:
        self._state = s = (self._state + _GOLDEN) & _MASK
        z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def unit(self) -> float:
        """A float in [0, 1)."""
        return self.next() / _TWO64

    def below(self, n: int) -> int:
        return self.next() % n

    def between(self, low: int, high: int) -> int:
        """An int in [low, high], both ends included."""
        return low + self.next() % (high - low + 1)

    def chance(self, p: float) -> bool:
        return self.unit() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[self.next() % len(items)]

    def weighted(self, weights: Sequence[int]) -> int:
        """An index into ``weights``, chosen in proportion to them."""
        roll = self.next() % sum(weights)
        for index, weight in enumerate(weights):
            roll -= weight
            if roll < 0:
                return index
        raise AssertionError("unreachable")

    def money(self, low: float, high: float) -> float:
        """An amount in [low, high] rounded to cents."""
        return round(low + (high - low) * self.unit(), 2)
