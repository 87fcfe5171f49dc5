"""Request-body validation from GHL's own OpenAPI schemas, with GHL's messages.

The schemas come from ``schemas.json`` (written by ``scripts/extract_ghl_schemas.py`` from the
spec). GHL is a NestJS service validating with class-validator, so failures read the way
class-validator words them (``"status must be one of the following values: open, won"``) and
are answered 422 ``{statusCode, message: [..], error: "Unprocessable Entity"}``
(common-schemas ``UnprocessableDTO``). Unknown properties are refused
(``"property x should not exist"``, NestJS ``forbidNonWhitelisted``): seen in public reports
of GHL errors, unconfirmed for every endpoint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMAS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).with_name("schemas.json")).read_text(encoding="utf-8"))["schemas"]

_TYPE_MESSAGES = {
    "string": "must be a string",
    "number": "must be a number conforming to the specified constraints",
    "boolean": "must be a boolean value",
    "object": "must be an object",
    "array": "must be an array",
}


def validate(schema_name: str, body: Any) -> list[str]:
    """Every problem with ``body`` against the named schema; an empty list when it is valid."""
    schema = SCHEMAS[schema_name]
    if not isinstance(body, dict):
        return ["request body must be a JSON object"]
    return _check_object(body, schema, prefix="")


def _check(value: Any, schema: dict[str, Any], path: str, optional: bool = True) -> list[str]:
    if value is None:  # class-validator's @IsOptional lets a null property through
        return [] if optional else _type_errors(path, schema) or [f"{path} must not be null"]
    expected = schema.get("type")
    if expected and not _is_type(value, expected):
        return [f"{path} {_TYPE_MESSAGES[expected]}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{path} must be one of the following values: {', '.join(schema['enum'])}"]
    if expected == "object" and "properties" in schema:
        return _check_object(value, schema, prefix=f"{path}.")
    if expected == "array" and "items" in schema:
        return [error for index, item in enumerate(value)
                for error in _check(item, schema["items"], f"{path}.{index}", optional=False)]
    return []


def _check_object(value: dict[str, Any], schema: dict[str, Any], prefix: str) -> list[str]:
    properties = schema.get("properties", {})
    errors = [f"property {prefix}{name} should not exist"
              for name in value if name not in properties]
    for name in schema.get("required", []):
        if value.get(name) in (None, ""):
            errors.append(f"{prefix}{name} should not be empty")
            errors.extend(_type_errors(f"{prefix}{name}", properties.get(name, {}))
                          if value.get(name) is None else [])
    any_of = schema.get("requiredAny")
    if any_of and not any(value.get(name) not in (None, "") for name in any_of):
        errors.append(f"{prefix.rstrip('.')} must have one of: {', '.join(any_of)}")
    for name, sub_schema in properties.items():
        if name in value:
            errors.extend(_check(value[name], sub_schema, f"{prefix}{name}"))
    return errors


def _type_errors(path: str, schema: dict[str, Any]) -> list[str]:
    expected = schema.get("type")
    return [f"{path} {_TYPE_MESSAGES[expected]}"] if expected else []


def _is_type(value: Any, expected: str) -> bool:
    if expected == "number":  # bool is an int in Python, never a number in JSON
        return isinstance(value, int | float) and not isinstance(value, bool)
    python_type = {"string": str, "boolean": bool, "object": dict, "array": list}[expected]
    return isinstance(value, python_type)


def unprocessable(messages: list[str]) -> dict[str, Any]:
    """The 422 body GHL answers (common-schemas ``UnprocessableDTO``)."""
    return {"statusCode": 422, "message": messages, "error": "Unprocessable Entity"}
