"""scripts/extract_st_schemas.py on a miniature spec (the real specs live outside the repo;
the committed fixture is what the sandbox tests validate against)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "extract_st_schemas.py"
_spec = importlib.util.spec_from_file_location("extract_st_schemas", SCRIPT)
extract_st_schemas = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(extract_st_schemas)

COMPONENTS = {
    "Page": {"type": "object", "properties": {
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Contact"}}}},
    "Contact": {"type": "object", "required": ["id", "phoneSettings"], "description": "x",
                "properties": {"id": {"type": "integer"},
                               "description": {"type": "string"},
                               "type": {"oneOf": [{"$ref": "#/components/schemas/Kind"}]},
                               "phoneSettings": {"type": "object"}}},
    "Kind": {"type": "string", "enum": ["Phone", "Email"]},
    "Loop": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Loop"}}},
}


def _resolve(name: str) -> dict:
    resolver = extract_st_schemas.Resolver({"components": {"schemas": COMPONENTS}})
    return resolver.resolve({"$ref": f"#/components/schemas/{name}"})


def test_it_inlines_every_reference():
    schema = _resolve("Page")

    assert "$ref" not in json.dumps(schema)
    assert schema["properties"]["data"]["items"]["properties"]["id"] == {"type": "integer"}


def test_it_drops_enums_so_values_are_free_strings():
    contact = _resolve("Contact")

    assert contact["properties"]["type"] == {"oneOf": [{"type": "string"}]}


def test_it_drops_description_keywords_but_keeps_a_field_named_description():
    contact = _resolve("Contact")

    assert "description" not in contact
    assert contact["properties"]["description"] == {"type": "string"}


def test_it_keeps_required_lists():
    assert _resolve("Contact")["required"] == ["id", "phoneSettings"]


def test_it_lets_phone_settings_be_null():
    settings = _resolve("Contact")["properties"]["phoneSettings"]

    assert settings == {"anyOf": [{"type": "object"}, {"type": "null"}]}


def test_it_refuses_a_recursive_schema():
    with pytest.raises(extract_st_schemas.SpecError, match="recursive"):
        _resolve("Loop")


def test_it_reports_an_endpoint_missing_from_the_spec():
    with pytest.raises(extract_st_schemas.SpecError, match="no GET"):
        extract_st_schemas.response_component({"paths": {}}, "/tenant/{tenant}/customers")


def test_without_a_specs_folder_it_exits_with_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        extract_st_schemas.main(["--specs", str(tmp_path / "missing")])

    assert exit_info.value.code == 2
