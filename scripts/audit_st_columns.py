"""Audit every typed column of the ServiceTitan mirror against the vendor's spec.

    python scripts/audit_st_columns.py [--all] [--schemas FILE]

For each column ``servicetitan.resources`` reads from a record, it finds the field's schema in
the endpoint's 200 response (as ``scripts/extract_st_schemas.py`` extracted it from the specs
into ``tests/fixtures/servicetitan/response_schemas.json``) and compares it with the column's
source kind. Verdicts:

- ``fits``: the spec's type is what the kind reads (money from a number, a time from a
  date-time string, an id from an integer, text from a string or a number);
- ``free string``: the spec types the value as a string without a format although the column
  is typed (money, id, whole number, time, flag): anything may come, and a value that does not
  parse is stored as the column's fallback (NULL for these) with a warning in the sync log;
- ``wider``: the spec allows values the column cannot hold (an int64 into a 32-bit column);
  those too are stored as the fallback with a warning;
- ``mismatch``: the spec's type is not one the kind reads at all;
- ``derived``: the record does not carry it (an embedded item's parent id and ``active``).

Every value can miss its column's type in practice (a spec is no promise), which is why every
column has a fallback; the audit says where the spec itself allows it. It prints the columns
that are not ``fits`` as a Markdown table, the one in servicetitan/README.md (``--all``: every
column). tests/servicetitan/test_column_audit.py keeps that table and these verdicts true.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "tests" / "fixtures" / "servicetitan" / "response_schemas.json"
HEADER = ("| table | column | field | spec type | column kind | verdict | stored when it does "
          "not fit |\n| --- | --- | --- | --- | --- | --- | --- |")


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    path: str            # the source field, dotted
    kind: str            # the source kind: text, id, int, money, time, flag, json
    spec: str            # the spec's type (and format), "" when the record lacks the field
    verdict: str
    fallback: Any        # what the column holds when the value does not fit
    nullable: bool

    def markdown(self) -> str:
        stored = "set from the parent" if self.verdict == "derived" else _shown(self.fallback)
        return (f"| `{self.table}` | `{self.column}` | `{self.path}` | {self.spec or '—'} | "
                f"{self.kind} | {self.verdict} | {stored} |")


def audit(schemas: dict) -> list[Column]:
    """Every typed column of every resource (embedded items included), in declaration
    order."""
    from servicetitan.convert import fallback_for
    from servicetitan.resources import RESOURCES
    from servicetitan.rows import COMMON

    found = []
    for resource in RESOURCES:
        endpoint = resource.endpoint("{tenant}")  # type: ignore[arg-type]  # the template
        record = schemas["endpoints"][endpoint]["properties"]["data"]["items"]
        shapes = [(resource.shape, record)]
        if resource.embedded is not None:
            item = _at(record, [resource.embedded.key])
            shapes.append((resource.embedded.shape, _merged(item or {}).get("items", {})))
        for shape, schema in shapes:
            fields = shape.model._meta
            for name, source in {**COMMON, **shape.columns}.items():
                field = fields.get_field(name)
                spec = _at(schema, list(source.keys))
                found.append(Column(
                    shape.table, name, source.path, source.kind, _spec_type(spec),
                    _verdict(source.kind, spec, field), fallback_for(source, field),
                    field.null))
    return found


def markdown(columns: list[Column]) -> str:
    return "\n".join([HEADER, *(column.markdown() for column in columns)])


def _at(schema: dict, keys: list[str]) -> dict | None:
    """The schema of the field at ``keys`` (None alternatives dropped), or None."""
    for key in keys:
        properties = _merged(schema).get("properties", {})
        if key not in properties:
            return None
        schema = properties[key]
    return schema


def _alternatives(schema: dict) -> list[dict]:
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [found for alt in schema[key] for found in _alternatives(alt)]
    return [schema]


def _merged(schema: dict) -> dict:
    """The non-null alternatives of ``schema`` as one schema (their keys together)."""
    merged: dict = {}
    for alt in _alternatives(schema):
        if _types(alt) != {"null"}:
            merged.update(alt)
    return merged


def _types(schema: dict) -> set[str]:
    types = schema.get("type", [])
    return set(types) if isinstance(types, list) else {types}


def _spec_type(spec: dict | None) -> str:
    if spec is None:
        return ""
    merged = _merged(spec)
    types = "/".join(sorted(_types(merged) - {"null"}))
    return f"{types} ({merged['format']})" if "format" in merged else types


def _verdict(kind: str, spec: dict | None, field: Any) -> str:
    if spec is None:
        return "derived"
    merged = _merged(spec)
    types, fmt = _types(merged) - {"null"}, merged.get("format")
    if kind != "text" and types == {"string"} and fmt is None:
        return "free string"
    if kind == "int" and types == {"integer"}:
        narrow = field.get_internal_type() == "IntegerField" and fmt == "int64"
        return "wider" if narrow else "fits"
    reads = {"text": {"string", "integer", "number"}, "id": {"integer"}, "money": {"number"},
             "time": {"string"}, "flag": {"boolean"}, "json": {"array", "object"}}
    fits = bool(types) and types <= reads[kind]
    if kind == "time":
        fits = fits and fmt in ("date-time", "date")
    return "fits" if fits else "mismatch"


def _shown(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return '""' if value == "" else f"`{value!r}`"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemas", type=Path, default=SCHEMAS)
    parser.add_argument("--all", action="store_true", help="every column, not only those "
                                                            "that may not fit")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    columns = audit(json.loads(args.schemas.read_text()))
    print(markdown([c for c in columns if args.all or c.verdict != "fits"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
