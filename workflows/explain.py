"""Explain: why a workflow did or did not start for an entity or an event.

For every definition (active first) the answer holds the trigger event considered, each
condition with its actual value and pass/fail, the instances for the entity, and one sentence
of why: started, conditions not met, re-entry blocked, inactive, no trigger event yet, or the
event still queued. The recorded ``WorkflowEventMatch`` is the truth for processed events; the
conditions are also evaluated now (related records as they are today) so staff can see
whether a rule would match at this moment.

A definition triggered by an audience is explained by evaluating its audience for the entity
now (``workflows.audiences.explain``): in it or not, the values its rule compared, and
whether it entered or will.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from workflows.audiences.evaluation import audience_of
from workflows.audiences.explain import explain_record
from workflows.conditions import MISSING, Check, evaluate
from workflows.facts import EntityFacts
from workflows.models import (
    MatchOutcome,
    WorkflowDefinition,
    WorkflowEvent,
    WorkflowEventMatch,
    WorkflowInstance,
)


@dataclass
class Explanation:
    definition: WorkflowDefinition
    event: WorkflowEvent | None
    checks: list[Check] = field(default_factory=list)
    passes_now: bool | None = None
    checks_recorded: bool = False  # the checks as evaluated when the engine took the event
    outcome: str = ""          # a MatchOutcome value, or inactive / no_event / queued
    reason: str = ""
    instances: list[WorkflowInstance] = field(default_factory=list)


def explain_entity(entity_type: str, entity_id: str) -> list[Explanation]:
    """One explanation per definition, for the entity's latest event of each trigger type, or
    its audience's verdict now (audience definitions about this entity type)."""
    events = WorkflowEvent.objects.filter(entity_type=entity_type, entity_id=str(entity_id))
    found = []
    for definition in _definitions():
        if definition.is_audience:
            if definition.current_version_id and \
                    definition.current_version.audience.get("entity") == entity_type:
                found.append(_explain_audience(definition, entity_type, str(entity_id)))
            continue
        found.append(_explain(definition, events.filter(
            event_type__in=definition.trigger_types).order_by("-id").first(), entity_type,
            str(entity_id)))
    return found


def _explain_audience(definition: WorkflowDefinition, entity_type: str,
                      entity_id: str) -> Explanation:
    version = definition.current_version
    verdict = explain_record(audience_of(version), entity_id, version=version)
    result = Explanation(definition, None, checks=verdict.checks + verdict.exclusions,
                         passes_now=verdict.in_audience, reason=verdict.reason,
                         outcome="in_audience" if verdict.in_audience else "not_in_audience",
                         instances=list(WorkflowInstance.objects.filter(
                             definition=definition, entity_type=entity_type,
                             entity_id=entity_id).order_by("-id")))
    return _inactive_note(result)


def explain_event(event: WorkflowEvent) -> list[Explanation]:
    """One explanation per definition triggered by this event's type."""
    return [_explain(d, event, event.entity_type, event.entity_id)
            for d in _definitions() if event.event_type in d.trigger_types]


def _definitions():
    return WorkflowDefinition.objects.select_related("current_version").order_by("-active",
                                                                                 "name")


def _explain(definition: WorkflowDefinition, event: WorkflowEvent | None, entity_type: str,
             entity_id: str) -> Explanation:
    result = Explanation(definition, event, instances=list(WorkflowInstance.objects.filter(
        definition=definition, entity_type=entity_type, entity_id=entity_id).order_by("-id")))
    if event is None:
        result.outcome = "no_event"
        result.reason = (f"no {definition.trigger_event} event recorded for {entity_type} "
                         f"{entity_id}")
        return _inactive_note(result)
    verdict = evaluate(definition.trigger_conditions, EntityFacts.for_event(event))
    result.checks, result.passes_now = verdict.checks, verdict.passed
    match = WorkflowEventMatch.objects.filter(event=event, definition=definition).first()
    if match is not None and match.checks:
        # What the engine saw then, not what the definition (or the related records) say now.
        result.checks, result.checks_recorded = [_recorded(c) for c in match.checks], True
    if match is not None:
        result.outcome = match.outcome
        result.reason = f"{MatchOutcome(match.outcome).label}: {match.detail}"
    elif event.processed_at is None:
        result.outcome, result.reason = "queued", f"event #{event.pk} is queued for the engine"
    else:
        result.outcome = "inactive"
        result.reason = (f"event #{event.pk} was processed while the definition was inactive "
                         f"(or before it existed); its conditions "
                         f"{'would' if verdict.passed else 'would not'} match now")
    return _inactive_note(result)


def _recorded(data: dict) -> Check:
    return Check(where=data["where"], field=data["field"], op=data["op"],
                 expected=data["expected"],
                 actual=MISSING if data.get("missing") else data["actual"],
                 passed=data["passed"])


def _inactive_note(result: Explanation) -> Explanation:
    if not result.definition.active:
        result.reason = f"inactive (switch it on to start instances); {result.reason}"
    return result


def render_text(explanations: list[Explanation]) -> str:
    """The plain-text report ``manage.py workflow_explain`` prints (times in the business's
    zone, ``BUSINESS_TIME_ZONE``, as staff read them in the admin)."""
    lines = []
    for item in explanations:
        d = item.definition
        lines.append(f"{d.name} (v{d.version}, {'active' if d.active else 'inactive'}) — "
                     f"{trigger_label(d)}")
        if item.event is not None:
            when = timezone.localtime(item.event.created_at,
                                      ZoneInfo(settings.BUSINESS_TIME_ZONE))
            lines.append(f"  event #{item.event.pk} {item.event.event_type} at "
                         f"{when:%Y-%m-%d %H:%M:%S %Z}")
        if item.checks:
            lines.append("  conditions as evaluated when the engine took the event:"
                         if item.checks_recorded else "  conditions evaluated now:")
        for check in item.checks:
            actual = "missing" if check.as_dict()["missing"] else repr(check.actual)
            lines.append(f"  {'PASS' if check.passed else 'FAIL'} {check.field} {check.op} "
                         f"{check.expected!r} (actual {actual})")
        lines.append(f"  → {item.reason}")
        for instance in item.instances[:5]:
            lines.append(f"  instance #{instance.pk}: {instance.status} "
                         f"{instance.status_detail}".rstrip())
        lines.append("")
    return "\n".join(lines) if lines else "no workflow definitions\n"


def trigger_label(definition: WorkflowDefinition) -> str:
    """"trigger estimate.created", or "audience of membership, daily at 09:00"."""
    if not definition.is_audience:
        return f"trigger {definition.trigger_event}"
    audience = definition.audience or {}
    return f"audience of {audience.get('entity')}, daily at {audience.get('at', '09:00')}"
