"""Workflow definitions and their immutable versions.

A definition is what staff edit. Every change to what it does (trigger, conditions, steps,
cancel rules, re-entry policy) is saved as a new ``WorkflowDefinitionVersion``; an instance
keeps the version it started with, so editing a definition never changes a running instance.
Definitions are written only through ``workflows.services.definitions``, which validates them.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class TriggerKind(models.TextChoices):
    EVENT = "event", "an event (trigger_event, trigger_conditions)"
    AUDIENCE = "audience", "an audience evaluated daily (audience)"


class ReentryPolicy(models.TextChoices):
    ONE_LIVE = "one_live", "at most one live instance per entity"
    ONCE = "once", "at most one instance per entity, ever"
    ALWAYS = "always", "a new instance for every matching event"


def trigger_types(trigger_event: str) -> list[str]:
    """The event types a definition starts on: ``trigger_event`` names one, or several
    separated by commas ("estimate.created, estimate.updated")."""
    return [part.strip() for part in trigger_event.split(",") if part.strip()]


class DefinitionContent(models.Model):
    """The fields a version freezes."""

    trigger_kind = models.CharField(max_length=20, choices=TriggerKind.choices,
                                    default=TriggerKind.EVENT)
    trigger_event = models.CharField(
        max_length=200, db_index=True, blank=True,
        help_text="event type, e.g. estimate.status_changed; several separated by commas "
                  "(empty for an audience trigger)")
    trigger_conditions = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder,
                                          help_text="a rule; {} matches every event")
    steps = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    cancel_on = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder,
                                 help_text='[{"event": "...", "conditions": {rule}}]')
    reentry = models.CharField(max_length=20, choices=ReentryPolicy.choices,
                               default=ReentryPolicy.ONE_LIVE)
    # An audience trigger (``workflows.audiences``): entity, rule, exclusions, the daily
    # evaluation time, the entry policy, the daily cap, ending when the entity leaves.
    audience = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder,
                                help_text="the audience trigger's configuration; {} for an "
                                          "event trigger")

    CONTENT_FIELDS = ("trigger_kind", "trigger_event", "trigger_conditions", "steps",
                      "cancel_on", "reentry", "audience")

    class Meta:
        abstract = True

    @property
    def trigger_types(self) -> list[str]:
        """The event types it starts on; none for an audience trigger."""
        if self.trigger_kind == TriggerKind.AUDIENCE:
            return []
        return trigger_types(self.trigger_event)

    @property
    def is_audience(self) -> bool:
        return self.trigger_kind == TriggerKind.AUDIENCE

    def content(self) -> dict:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}


class WorkflowDefinition(DefinitionContent):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, default="")
    active = models.BooleanField(default=False, db_index=True,
                                 help_text="only active definitions start instances")
    # A setting, not what the definition does: not versioned, so turning it off reaches the
    # instances already running.
    stop_on_reply = models.BooleanField(
        "stop when the customer replies", default=True,
        help_text="an ordinary text from the customer cancels their live instances of this "
                  "definition that send marketing texts (instances waiting for the reply "
                  "get it instead)")
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="the current version number")
    current_version = models.ForeignKey("WorkflowDefinitionVersion", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        db_table = "workflow_definitions"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkflowDefinitionVersion(DefinitionContent):
    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE,
                                   related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        db_table = "workflow_definition_versions"
        ordering = ["definition_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["definition", "number"],
                                               name="wf_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.definition} v{self.number}"

    def step(self, step_id: str) -> dict | None:
        return next((s for s in self.steps if s.get("id") == step_id), None)

    def step_after(self, step_id: str) -> str | None:
        """The id of the step following ``step_id`` in the list, None after the last."""
        ids = [s["id"] for s in self.steps]
        index = ids.index(step_id)
        return ids[index + 1] if index + 1 < len(ids) else None
