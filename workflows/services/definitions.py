"""Saving, importing and exporting workflow definitions.

Every write validates first (``workflows.validation``) and freezes a new
``WorkflowDefinitionVersion`` when what the definition does changed, so running instances keep
the version they started with. The JSON file format is the definition's fields
(``validation.FIELDS``); a file holds one definition object or a list of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from workflows.models import WorkflowDefinition, WorkflowDefinitionVersion
from workflows.steps.base import REGISTRY
from workflows.validation import FIELDS, check_complete, validate_definition


@transaction.atomic
def definition_save(*, data: Mapping[str, Any], actor: str,
                    definition: WorkflowDefinition | None = None) -> WorkflowDefinition:
    """Create or update a definition from ``data`` (all of ``FIELDS``; missing optional ones
    take their defaults). Raises ``ValidationError`` per field; a content change bumps the
    version."""
    cleaned = validate_definition(data)
    clash = WorkflowDefinition.objects.filter(name=cleaned["name"])
    if definition is not None and definition.pk:
        definition = WorkflowDefinition.objects.select_for_update().get(pk=definition.pk)
        clash = clash.exclude(pk=definition.pk)
    else:
        definition = WorkflowDefinition()
    if clash.exists():
        raise ValidationError({"name": [f"a definition named {cleaned['name']!r} exists"]})
    changed = definition.current_version_id is None or definition.content() != {
        name: cleaned[name] for name in WorkflowDefinition.CONTENT_FIELDS}
    for name, value in cleaned.items():
        setattr(definition, name, value)
    definition.updated_by = actor
    definition.save()
    if changed:
        definition.version += 1
        definition.current_version = WorkflowDefinitionVersion.objects.create(
            definition=definition, number=definition.version, created_by=actor,
            **definition.content())
        definition.save(update_fields=["version", "current_version"])
    return definition


def definition_set_active(*, definition: WorkflowDefinition, active: bool,
                          actor: str) -> None:
    """Switch a definition on or off. Raises ``ValidationError`` when switching on a definition
    that still holds placeholders (an import's unfinished parts)."""
    if active:
        check_complete(definition.content())
    WorkflowDefinition.objects.filter(pk=definition.pk).update(active=active, updated_by=actor)


def definition_export(definitions: Iterable[WorkflowDefinition], *,
                      redacted: bool = False) -> list[dict[str, Any]]:
    """The definitions in the JSON file format, ready for ``json.dumps``; ``redacted``: their
    steps as a Viewer may read them (``steps_as_viewers_read``)."""
    exported = [{name: getattr(d, name) for name in FIELDS} for d in definitions]
    if redacted:
        for item in exported:
            item["steps"] = steps_as_viewers_read(item["steps"])
    return exported


def steps_as_viewers_read(steps: Any) -> Any:
    """``steps`` as someone who may read but not change a definition sees them: each step as
    its type records it in a step run (``StepType.recorded_input``: an ``http_request``'s
    credential headers and URL credentials redacted); anything malformed unchanged."""
    if not isinstance(steps, list):
        return steps
    return [dict(REGISTRY[step["type"]].recorded_input(step))
            if isinstance(step, Mapping) and step.get("type") in REGISTRY else step
            for step in steps]


@transaction.atomic
def definitions_import(*, data: Any, actor: str) -> list[tuple[str, str]]:
    """Create or update definitions by name from parsed JSON (an object or a list); all or
    nothing. Returns ``(name, "created" | "updated" | "unchanged")`` per definition. A
    definition without ``active`` keeps its current flag (new ones start inactive)."""
    items = [data] if isinstance(data, Mapping) else data
    if not isinstance(items, list) or not items:
        raise ValidationError("the file must hold a definition object or a non-empty list")
    outcome = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ValidationError(f"[{index}]: each definition must be a JSON object")
        existing = WorkflowDefinition.objects.filter(name=item.get("name")).first()
        item = {"active": existing.active if existing else False, **item}
        try:
            saved = definition_save(data=item, actor=actor, definition=existing)
        except ValidationError as exc:
            raise ValidationError(_prefixed(exc, f"{item.get('name') or index!s}")) from None
        before = existing.version if existing else 0
        outcome.append((saved.name, "created" if existing is None else
                        "updated" if saved.version != before or existing.active != saved.active
                        or existing.description != saved.description else "unchanged"))
    return outcome


def _prefixed(exc: ValidationError, label: str) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{label}: {msg}" for msgs in exc.message_dict.values() for msg in msgs]
    return [f"{label}: {msg}" for msg in exc.messages]
