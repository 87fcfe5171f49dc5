"""Reading an n8n export: bytes in, workflow objects out, or one clear reason why not.

An export is what n8n's "Download" button or ``n8n export:workflow`` writes: one workflow
object (``nodes`` and ``connections``) or a list of them. The file is hostile input until
proven otherwise, so before Python's JSON decoder sees it: at most ``MAX_BYTES``, UTF-8, and
nested at most ``MAX_DEPTH`` deep (the decoder recurses, and so does everything after it).
Numbers must be finite and texts must be storable (no NUL, no lone surrogate), since what is
read may end up in PostgreSQL. A file is all or nothing: a list holding anything that is not a
workflow is refused whole.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_WORKFLOWS = 500

_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Only an escape can put a NUL or a lone surrogate in a decoded text.
_UNSTORABLE_ESCAPE = re.compile(r"\\u(0000|[dD][89a-fA-F])")


class UnreadableExport(ValueError):
    """The bytes are not an n8n export; ``str()`` is the one-line reason."""


def read_export(data: bytes) -> list[dict[str, Any]]:
    """The workflows in an export file; raises ``UnreadableExport`` with the reason."""
    if len(data) > MAX_BYTES:
        raise UnreadableExport(f"larger than {MAX_BYTES // 1024 // 1024} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableExport(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
                               f"{exc.start}); n8n writes its exports in UTF-8") from None
    if not text.strip():
        raise UnreadableExport("empty, not JSON")
    return _workflows(parse_json(text))


def parse_json(text: str) -> Any:
    """``text`` decoded as JSON, within the depth limit; raises ``UnreadableExport``."""
    check_depth(text)
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except ValueError as exc:  # JSONDecodeError is a ValueError, and so are the two above
        raise UnreadableExport(f"not JSON: {exc}") from None
    return _storable(value) if _UNSTORABLE_ESCAPE.search(text) else value


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse ``text`` nested deeper than ``limit``. Linear whatever the text: escapes go
    first, so a string is then just quote, non-quotes, quote."""
    bare = _STRING.sub("", _ESCAPE.sub("", text))
    steps = map(_STEP.__getitem__, _NOT_BRACKET.sub("", bare))
    if max(accumulate(steps), default=0) > limit:
        raise UnreadableExport(f"nested more than {limit} levels deep; an n8n export is a "
                               f"dozen at most")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _storable(value: Any) -> Any:
    """``value`` with NUL characters removed and lone surrogates replaced, in keys and texts
    (PostgreSQL refuses both)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def _workflows(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, Mapping):
        _check_workflow(value, "")
        return [dict(value)]
    if not isinstance(value, list):
        raise UnreadableExport(f"not an n8n workflow: the file holds {_kind(value)}, not an "
                               f"object with nodes and connections")
    if not value:
        raise UnreadableExport("an empty list: no workflow to import")
    if len(value) > MAX_WORKFLOWS:
        raise UnreadableExport(f"more than {MAX_WORKFLOWS} workflows: split the export")
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise UnreadableExport(f"item {index + 1} of the list is {_kind(item)}, not an n8n "
                                   f"workflow; nothing was imported from this file")
        _check_workflow(item, f"item {index + 1} of the list: ")
    return [dict(item) for item in value]


def _check_workflow(value: Mapping[str, Any], where: str) -> None:
    if "nodes" not in value:
        raise UnreadableExport(f"{where}not an n8n workflow: it has no \"nodes\"")
    if not isinstance(value["nodes"], list):
        raise UnreadableExport(f"{where}not an n8n workflow: \"nodes\" is "
                               f"{_kind(value['nodes'])}, not a list")
    if not isinstance(value.get("connections", {}), Mapping):
        raise UnreadableExport(f"{where}not an n8n workflow: \"connections\" is "
                               f"{_kind(value['connections'])}, not an object")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false",
            type(None): "null"}.get(type(value), "a number")
