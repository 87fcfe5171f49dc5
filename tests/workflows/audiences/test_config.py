"""An audience definition is validated like any other: each message names the field (and the
key of the audience) it is about; it saves, versions, exports and imports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.workflows.conftest import AUDIENCE
from workflows.models import WorkflowDefinition
from workflows.services import definition_export, definitions_import
from workflows.validation import validate_definition

pytestmark = pytest.mark.django_db


def refused(**changes) -> dict[str, list[str]]:
    audience = {**AUDIENCE["audience"], **changes.pop("audience", {})}
    with pytest.raises(ValidationError) as caught:
        validate_definition({**AUDIENCE, "audience": audience, **changes})
    return caught.value.message_dict


def test_an_audience_is_cleaned_with_its_defaults():
    cleaned = validate_definition(AUDIENCE)
    assert cleaned["trigger_event"] == "" and cleaned["audience"] == {
        **AUDIENCE["audience"], "exclude": {}, "at": "09:00", "entry": "once",
        "entry_days": None, "daily_cap": None, "end_when_leaving": False}


def test_a_rule_that_does_not_validate_is_refused_on_the_audience_field_naming_the_field():
    errors = refused(audience={"rule": {"all": [
        {"field": "active", "op": "==", "value": True},
        {"field": "last_job", "op": "more_than_ago", "value": "1y"}]}})
    assert list(errors) == ["audience"]
    assert errors["audience"][0].startswith("audience.rule.all[1].field: 'last_job' is not a "
                                            "field of customer an audience can compare")


def test_every_bad_key_is_reported_at_once():
    errors = refused(audience={"entity": "customer", "at": "9am", "entry": "every_n_days",
                               "daily_cap": 0, "exclude": {"field": "x", "op": "=="}})
    messages = errors["audience"]
    assert [m.split(":")[0] for m in messages] == [
        "audience.exclude.field", "audience.at", "audience.entry_days", "audience.daily_cap"]


def test_an_unknown_entity_or_key_is_refused():
    assert refused(audience={"entity": "lead"})["audience"][0].startswith(
        "audience.entity: 'lead' is not a record type")
    assert refused(audience={"schedule": "daily"})["audience"][0].startswith(
        "audience: unknown keys ['schedule']")


def test_an_audience_trigger_takes_no_event_conditions_or_reentry():
    errors = refused(trigger_event="customer.updated",
                     trigger_conditions={"field": "type", "op": "==", "value": "x"},
                     reentry="always")
    assert errors["trigger_event"][0].startswith("trigger_event: an audience trigger starts on "
                                                 "its audience")
    assert errors["trigger_conditions"][0].startswith("trigger_conditions: an audience trigger "
                                                      "has its rule in audience.rule")
    assert errors["reentry"][0].startswith("reentry: an audience trigger enters by "
                                           "audience.entry")


def test_an_event_trigger_takes_no_audience():
    with pytest.raises(ValidationError) as caught:
        validate_definition({**AUDIENCE, "trigger_kind": "event",
                             "trigger_event": "job.completed"})
    assert caught.value.message_dict["audience"] == [
        "audience: only for trigger_kind audience; an event trigger leaves it empty"]


def test_an_unknown_trigger_kind_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_definition({**AUDIENCE, "trigger_kind": "cron"})
    assert caught.value.message_dict["trigger_kind"][0].startswith(
        "trigger_kind: 'cron' is not one of event, audience")


def test_a_changed_audience_freezes_a_new_version(make_audience):
    definition = make_audience()
    definitions_import(data={**AUDIENCE, "audience": {**AUDIENCE["audience"],
                                                      "daily_cap": 10}}, actor="test")
    definition.refresh_from_db()
    assert definition.version == 2 and definition.current_version.audience["daily_cap"] == 10


def test_an_audience_definition_exports_and_imports_unchanged(make_audience):
    definition = make_audience(daily_cap=5)
    [exported] = definition_export([definition])
    assert exported["trigger_kind"] == "audience" and exported["audience"]["daily_cap"] == 5
    WorkflowDefinition.objects.filter(pk=definition.pk).update(name="Old name")
    assert definitions_import(data=exported, actor="test") == [(exported["name"], "created")]
    assert WorkflowDefinition.objects.get(name=exported["name"]).audience == exported["audience"]
