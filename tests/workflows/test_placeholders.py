"""Placeholders (what an import left for staff to write) keep a definition from being
switched on, in every way one is switched on."""

import pytest
from django.core.exceptions import ValidationError

from tests.workflows.conftest import FOLLOW_UP
from workflows.placeholders import placeholders
from workflows.validation import validate_definition

UNFINISHED = {**FOLLOW_UP, "trigger_event": "placeholder.webhook", "steps": [
    {"id": "ok", "type": "condition", "rule": {"field": "placeholder.condition", "op": "exists"},
     "then": "text"},
    {"id": "text", "type": "test_text", "purpose": "marketing",
     "body": "Hi {# n8n: $json.name.toUpperCase() #}"}]}


def test_every_placeholder_is_found_with_where_it_is():
    assert placeholders(UNFINISHED) == [
        "trigger_event 'placeholder.webhook'",
        "steps[0].rule.field 'placeholder.condition'",
        "steps[1].body 'Hi {# n8n: $json.name.toUpperCase() #}'"]


def test_a_complete_definition_has_none_even_if_its_name_mentions_one():
    assert placeholders({**FOLLOW_UP, "name": "placeholder.webhook",
                         "description": "{# n8n: …"}) == []


def test_an_unfinished_definition_saves_inactive():
    assert validate_definition({**UNFINISHED, "active": False})["active"] is False


def test_an_unfinished_definition_cannot_be_saved_active():
    with pytest.raises(ValidationError) as error:
        validate_definition({**UNFINISHED, "active": True})
    [message] = error.value.message_dict["active"]
    assert message.startswith("active: cannot switch on while the definition holds "
                              "placeholders left by an import; replace trigger_event "
                              "'placeholder.webhook'")
