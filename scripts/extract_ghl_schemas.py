#!/usr/bin/env python3
"""Extract the GHL request-body schemas the sandbox validates into sandbox/ghl/schemas.json.

    scripts/extract_ghl_schemas.py [SPECS_DIR] [--check]

SPECS_DIR holds GoHighLevel's OpenAPI files (contacts.json, opportunities.json and
conversations.json from GoHighLevel/highlevel-api-docs ``apps/``); by default the copies in
tests/fixtures/ghl/specs, so ``--check`` runs in any checkout. References are resolved,
documentation keys dropped, and a few documented overrides applied where the spec is known to
be wrong or empty (see OVERRIDES below). ``--check`` exits 1 when the committed file differs
from a fresh extraction.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "sandbox" / "ghl" / "schemas.json"
DEFAULT_SPECS = ROOT / "tests" / "fixtures" / "ghl" / "specs"

# (name in schemas.json, spec file, component schema)
WANTED = [
    ("UpsertContactDto", "contacts.json", "UpsertContactDto"),
    ("UpdateContactDto", "contacts.json", "UpdateContactDto"),
    ("CreateOpportunityDto", "opportunities.json", "CreateDto"),
    ("UpdateOpportunityDto", "opportunities.json", "UpdateOpportunityDto"),
    ("UpdateOpportunityStatusDto", "opportunities.json", "UpdateStatusDto"),
    ("AddInboundMessageDto", "conversations.json", "ProcessMessageBodyDto"),
    ("UpdateMessageStatusDto", "conversations.json", "UpdateMessageStatusDto"),
    ("CreateConversationDto", "conversations.json", "CreateConversationDto"),
]
KEPT_KEYS = {"type", "properties", "required", "enum", "items", "nullable", "anyOf"}

# Custom field inputs: the spec lists one variant per field type, each requiring `id`, while
# its own text (and the contact docs) say "pass either `id` or `key`"; numeric variants are
# typed "object" with numeric examples. One shape with id-or-key and any value is what GHL
# accepts in practice.
CUSTOM_FIELD_INPUT = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "key": {"type": "string"}, "field_value": {}},
    "requiredAny": ["id", "key"],
}
# The contact search body is empty in the spec (SearchBodyV2DTO has no properties); these
# fields come from GHL's search documentation (locationId and pageLimit are required: a body
# without them is answered 422, per GoHighLevel/highlevel-api-docs issue #31).
SEARCH_CONTACTS_BODY = {
    "type": "object",
    "properties": {
        "locationId": {"type": "string"},
        "pageLimit": {"type": "number"},
        "page": {"type": "number"},
        "searchAfter": {"type": "array"},
        "filters": {"type": "array", "items": {"type": "object"}},
        "sort": {"type": "array", "items": {"type": "object"}},
        "query": {"type": "string"},
    },
    "required": ["locationId", "pageLimit"],
}
OPPORTUNITY_STATUSES = ["open", "won", "lost", "abandoned"]
# Adding a message: ``direction`` is typed "object" in the spec, with a string default
# ("outbound") and the two strings as its example; and docs/ConversationProviders.md says
# ``conversationProviderId`` "is not required" for the default SMS provider, which the spec
# lists as required.
MESSAGE_DIRECTION = {"type": "string", "enum": ["outbound", "inbound"]}


def resolve(node: Any, components: dict[str, Any]) -> Any:
    """Inline local ``$ref``s and keep only the validation keywords."""
    if isinstance(node, list):
        return [resolve(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return resolve(components[node["$ref"].rsplit("/", 1)[-1]], components)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: resolve(sub, components) for name, sub in value.items()}
        elif key in KEPT_KEYS:
            out[key] = resolve(value, components)
    return out


def apply_overrides(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The documented corrections (see the comments on the constants above)."""
    properties = schema.get("properties", {})
    if "customFields" in properties:
        properties["customFields"] = {"type": "array", "items": CUSTOM_FIELD_INPUT}
    if "dateOfBirth" in properties:
        # Typed "object" in the spec, but documented as a string in one of eight date formats.
        properties["dateOfBirth"] = {"type": "string", "nullable": True}
    if "status" in properties and "Opportunity" in name:
        # "all" is a search filter value, not a status an opportunity can have.
        properties["status"] = {"type": "string", "enum": OPPORTUNITY_STATUSES}
    if name == "AddInboundMessageDto":
        properties["direction"] = MESSAGE_DIRECTION
        schema["required"] = [r for r in schema["required"] if r != "conversationProviderId"]
    return schema


def extract(specs_dir: Path) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name, filename, component in WANTED:
        spec = json.loads((specs_dir / filename).read_text(encoding="utf-8"))
        components = spec["components"]["schemas"]
        schemas[name] = apply_overrides(name, resolve(components[component], components))
    schemas["SearchContactsBody"] = SEARCH_CONTACTS_BODY
    return {
        "_generated_by": "scripts/extract_ghl_schemas.py (do not edit by hand)",
        "_source": "GoHighLevel/highlevel-api-docs apps/contacts.json, "
                   "apps/opportunities.json and apps/conversations.json, Version 2021-07-28",
        "schemas": schemas,
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs_dir", nargs="?", type=Path, default=DEFAULT_SPECS)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if not (args.specs_dir / "contacts.json").is_file():
        parser.error(f"no GHL specs in {args.specs_dir}")
    text = render(extract(args.specs_dir))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
