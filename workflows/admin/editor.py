"""What the definition editor offers, read from the registries (never copied by hand): the
step types and their parameters (``StepType.params``), the event types the apps announce
(``entities.EVENT_TYPES``), the entity types and their fields (``entities.ENTITY_MODELS``),
the rule language's ops, and the audience options. Plus the live preview of a text for a
sample record. The editor itself is ``static/workflows/definition_editor.js``; the JSON it
writes is checked by ``workflows.validation`` like an import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group

from workflows import entities
from workflows.audiences.config import DEFAULTS, ENTRY_POLICIES
from workflows.conditions import OPS, RELATIVE_OPS
from workflows.engine.context import build_context
from workflows.models import ReentryPolicy
from workflows.steps.base import REGISTRY
from workflows.templating import check_template, render
from workflows.validation import CANCEL_SCOPES

# A field a status_changed event carries besides the record's columns.
EVENT_FIELDS = ("old_status", "new_status")


def editor_schema() -> dict[str, Any]:
    return {
        "step_types": [{"type": name, "label": step.label or name,
                        "params": [p.as_dict() for p in step.params],
                        "outputs": list(step.outputs),
                        "declared": bool(step.params) or name == "end"}
                       for name, step in sorted(REGISTRY.items())],
        "events": [{"value": name, "entity": entity, "label": f"{name} — {label}"}
                   for name, (entity, label) in entities.EVENT_TYPES.items()],
        "entities": sorted(entities.ENTITY_MODELS),
        "fields": {name: entity_fields(name) for name in entities.ENTITY_MODELS},
        "ops": {name: op.value for name, op in OPS.items()},
        "relative_ops": list(RELATIVE_OPS),
        "groups": list(Group.objects.order_by("name").values_list("name", flat=True)),
        "scopes": list(CANCEL_SCOPES),
        "reentry": list(ReentryPolicy.values),
        "audience": {"entry": list(ENTRY_POLICIES), "defaults": DEFAULTS},
    }


def entity_fields(entity_type: str) -> list[str]:
    """The fields a rule about ``entity_type`` can name: its own columns, then the columns of
    each record it refers to (``customer.type``; the customer always, found through the
    entity's job or location when it has no customer_id)."""
    model = entities.ENTITY_MODELS[entity_type]
    own = [f.attname for f in entities.snapshot_fields(model)]
    related = [name.removesuffix("_id") for name in own if name.endswith("_id")
               and name.removesuffix("_id") in entities.ENTITY_MODELS]
    if entity_type != "customer" and "customer" not in related:
        related.insert(0, "customer")
    found = own + [f"{head}.{f.attname}" for head in related if head != entity_type
                   for f in entities.snapshot_fields(entities.ENTITY_MODELS[head])]
    return found + list(EVENT_FIELDS) if "status" in own else found


def measure_of(step_type: str, param: str) -> Callable[[str], int] | None:
    """How the ``param`` text of ``step_type`` is measured (send_sms: SMS segments)."""
    step = REGISTRY.get(step_type)
    found = [p.measure for p in (step.params if step else ()) if p.name == param]
    return found[0] if found else None


def text_preview(body: str, entity_type: str,
                 measure: Callable[[str], int] | None = None) -> dict[str, Any]:
    """``body`` rendered for the newest record of ``entity_type`` (as if it had just been
    announced), with its length and, given ``measure``, its parts (SMS segments); ``error``
    when it does not compile."""
    error = check_template(body)
    if error:
        return {"error": error}
    model = entities.ENTITY_MODELS.get(entity_type)
    record = model.objects.order_by("-pk").first() if model is not None else None
    payload = entities.snapshot(record)
    customer_id = (entities.customer_id_for(entity_type, record.pk)
                   if record is not None else None)
    context = build_context(event_type="preview", event_id=None, payload=payload,
                            entity_type=entity_type, entity_id=str(payload.get("id", "")),
                            customer_id=customer_id)
    text = render(body, context).strip()
    sample = f"{entity_type.replace('_', ' ')} {record.pk}" if record is not None else None
    segments = measure(text) if measure is not None and text else None
    return {"text": text, "characters": len(text), "segments": segments, "sample": sample}
