"""The ``worded_numbers`` data mode: amounts and quantities the spec types as free strings
(the accounting API sends money as ``"1250.00"``) hold words instead, as people type them
into ServiceTitan: ``"TBD"``, ``"n/a"``, ``"1,250.00"``.

The option is the share of records (0 to 1) so written, each chosen by the seed: the same
records every time, and an item embedded in an invoice reads as it does in the
invoice-items export. Records changed through the control API keep what they were given.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.resources import Resource

# What people put where a number belongs; all of them are valid strings for the spec.
WORDS = ("TBD", "n/a", "ten", "see notes", "1,250.00", "$45.00", "")


def with_words(seed: int, resource: Resource, index: int, record: Any, share: float) -> Any:
    """``record`` itself, or a copy whose ``resource.worded`` fields hold words when the dice
    pick it (generated records share memoised parts: they are never changed in place)."""
    if not resource.worded or not isinstance(record, dict):
        return record
    dice = Dice(seed, f"worded:{resource.name}", index)
    if not dice.chance(share):
        return record
    record = copy.deepcopy(record)
    for path in resource.worded:
        _put_words(record, path.split("."), dice)
    return record


def with_worded_items(seed: int, child: Resource, record: Any, share: float) -> Any:
    """A parent ``record`` whose embedded ``items`` read as the ``child`` records do."""
    if not child.worded or not isinstance(record, dict) or not record.get("items"):
        return record
    items = [with_words(seed, child, item["id"] - child.id_base - 1, item, share)
             for item in record["items"]]
    if all(new is old for new, old in zip(items, record["items"], strict=True)):
        return record
    return {**record, "items": items}


def _put_words(node: dict, keys: list[str], dice: Dice) -> None:
    """Words at ``keys`` (``name[]`` goes into each element of a list), where a string is."""
    head, rest = keys[0], keys[1:]
    if head.endswith("[]"):
        for element in node.get(head[:-2]) or []:
            if isinstance(element, dict):
                _put_words(element, rest, dice)
    elif rest:
        if isinstance(node.get(head), dict):
            _put_words(node[head], rest, dice)
    elif isinstance(node.get(head), str):
        node[head] = dice.pick(WORDS)
