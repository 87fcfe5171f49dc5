"""The definition form: JSON fields as pretty-printed textareas, validated by the same code
as imports, with each error shown on the field it concerns."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder

from workflows.models import WorkflowDefinition
from workflows.validation import validate_definition

JSON_FIELDS = ("trigger_conditions", "audience", "steps", "cancel_on")
EDITABLE = ("name", "description", "active", "stop_on_reply", "trigger_kind", "trigger_event",
            "trigger_conditions", "audience", "steps", "cancel_on", "reentry")


# PostgreSQL's jsonb does not keep key order; show the keys people read first, first.
KEY_ORDER = ("id", "type", "event", "entity", "rule", "exclude", "at", "entry", "entry_days",
             "daily_cap", "end_when_leaving", "field", "op", "value", "has", "where", "by",
             "all", "any", "not")


def ordered(value):
    if isinstance(value, dict):
        rank = {key: index for index, key in enumerate(KEY_ORDER)}
        return {k: ordered(value[k]) for k in sorted(value, key=lambda k: rank.get(k, 99))}
    if isinstance(value, list):
        return [ordered(item) for item in value]
    return value


class PrettyJSONField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(ordered(value), indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)


class DefinitionForm(forms.ModelForm):
    class Meta:
        model = WorkflowDefinition
        fields = EDITABLE
        field_classes = {name: PrettyJSONField for name in JSON_FIELDS}
        widgets = {name: forms.Textarea(attrs={"rows": 14, "cols": 100,
                                               "style": "font-family: monospace"})
                   for name in JSON_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "trigger_kind" in self.fields:   # a Viewer's form has no fields (all read-only)
            self.fields["trigger_kind"].required = False   # left out: an event trigger

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = {name: cleaned.get(name) for name in EDITABLE}
        data["trigger_conditions"] = data["trigger_conditions"] or {}
        data["audience"] = data["audience"] or {}
        data["cancel_on"] = data["cancel_on"] or []
        try:
            self.validated = validate_definition(data)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(None if name == "__all__" else name, message)
        return cleaned
