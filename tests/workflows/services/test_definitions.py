import pytest
from django.core.exceptions import ValidationError

from tests.workflows.conftest import FOLLOW_UP
from workflows.models import WorkflowDefinition
from workflows.services import definition_export, definition_save, definitions_import

pytestmark = pytest.mark.django_db


def test_saving_creates_version_one_as_the_current_version():
    definition = definition_save(data=FOLLOW_UP, actor="ann")
    assert (definition.version, definition.current_version.number) == (1, 1)
    assert definition.current_version.steps == FOLLOW_UP["steps"]


def test_a_change_to_what_it_does_freezes_a_new_version(follow_up):
    changed = definition_save(data={**FOLLOW_UP, "trigger_conditions": {}}, actor="bo",
                              definition=follow_up)
    assert changed.version == 2 and changed.current_version.created_by == "bo"


def test_a_change_to_the_description_alone_keeps_the_version(follow_up):
    changed = definition_save(data={**FOLLOW_UP, "description": "new words"}, actor="bo",
                              definition=follow_up)
    assert changed.version == 1


def test_a_second_definition_with_the_same_name_is_refused(follow_up):
    with pytest.raises(ValidationError, match="a definition named 'Follow-up' exists"):
        definition_save(data=FOLLOW_UP, actor="ann")


def test_an_invalid_definition_writes_nothing():
    with pytest.raises(ValidationError):
        definition_save(data={**FOLLOW_UP, "steps": []}, actor="ann")
    assert not WorkflowDefinition.objects.filter(name="Follow-up").exists()


def test_export_then_import_round_trips(follow_up):
    exported = definition_export([follow_up])
    WorkflowDefinition.objects.filter(pk=follow_up.pk).update(name="Renamed")
    assert definitions_import(data=exported, actor="ann") == [("Follow-up", "created")]
    assert WorkflowDefinition.objects.get(name="Follow-up").steps == follow_up.steps


def test_importing_an_unchanged_definition_reports_it_unchanged(follow_up):
    assert definitions_import(data=definition_export([follow_up]), actor="ann") == [
        ("Follow-up", "unchanged")]


def test_an_import_with_one_bad_definition_imports_none():
    bad = {**FOLLOW_UP, "name": "Bad", "steps": [{"id": "x", "type": "fax"}]}
    with pytest.raises(ValidationError, match=r"Bad: step 'x'\.type: unknown step type"):
        definitions_import(data=[FOLLOW_UP, bad], actor="ann")
    assert not WorkflowDefinition.objects.filter(name="Follow-up").exists()


def test_an_imported_definition_without_active_keeps_its_flag(follow_up):
    definitions_import(data={k: v for k, v in FOLLOW_UP.items() if k != "active"}, actor="a")
    follow_up.refresh_from_db()
    assert follow_up.active is True
