"""The n8n import service: inactive definitions through the staff's own validation, each with
its report, nothing written by a dry run, nothing twice."""

import json

import pytest
from django.core.exceptions import ValidationError

from tests.workflows.n8n.conftest import CORPUS, own_bytes
from workflows.models import WorkflowDefinition, WorkflowDefinitionVersion, WorkflowImportReport
from workflows.n8n import mapping
from workflows.services import definition_set_active
from workflows.services.n8n_import import Upload, n8n_import

pytestmark = pytest.mark.django_db


def upload(name: str) -> Upload:
    return Upload(name, own_bytes(name))


def imported(*names: str, dry_run: bool = False):
    return n8n_import(uploads=[upload(n) for n in names], actor="alice", dry_run=dry_run)


def test_each_workflow_becomes_an_inactive_definition_with_its_report_kept_alongside():
    result = imported("estimate-follow-up.json")
    [created] = result.created
    definition = WorkflowDefinition.objects.get(pk=created.id)
    assert (definition.name, definition.active, definition.version) == (
        "Estimate follow-up from n8n", False, 1)
    assert definition.trigger_event == "estimate.created"
    assert definition.updated_by == "alice"
    report = definition.import_report
    assert (report.source, report.workflow_name, report.created_by) == (
        "estimate-follow-up.json", "Estimate follow-up from n8n", "alice")
    statuses = {n["name"]: n["status"] for n in report.report["nodes"]}
    assert statuses["Tidy up"] == "unsupported" and statuses["Wait a day"] == "converted"
    assert report.report["counts"] == {"converted": 2, "approximated": 8, "unsupported": 2,
                                       "dropped": 3}


def test_a_dry_run_writes_nothing():
    before = (WorkflowDefinition.objects.count(), WorkflowDefinitionVersion.objects.count())
    result = imported("estimate-follow-up.json", "if-versions.json", dry_run=True)
    assert len(result.created) == 4 and all(c.id is None for c in result.created)
    assert (WorkflowDefinition.objects.count(),
            WorkflowDefinitionVersion.objects.count()) == before
    assert not WorkflowImportReport.objects.exists()


def test_importing_the_same_export_twice_creates_nothing_new():
    imported("switch-versions.json")
    again = imported("switch-versions.json")
    assert again.created == []
    assert again.files[0].workflows[0].not_created == [
        "'Switch v1' not created: a definition with that name exists (delete or rename it to "
        "import again)"]
    assert WorkflowImportReport.objects.count() == 3


def test_two_workflows_of_one_import_with_the_same_name_both_arrive():
    result = n8n_import(uploads=[upload("schedule-poll-mirror.json"),
                                 Upload("copy.json", own_bytes("schedule-poll-mirror.json"))],
                        actor="alice")
    assert [c.name for c in result.created] == ["Open estimates over $1,000",
                                                "Open estimates over $1,000 (2)"]


def test_a_file_that_is_not_an_export_is_refused_whole_and_the_others_go_on():
    result = imported("malformed-mixed-list.json", "malformed-truncated.json",
                      "schedule-poll-mirror.json")
    assert [f.error is None for f in result.files] == [False, False, True]
    assert result.unreadable[0].startswith("malformed-mixed-list.json: item 2 of the list")
    assert [c.name for c in result.created] == ["Open estimates over $1,000"]


def test_what_the_import_left_unfinished_keeps_the_definition_from_being_switched_on():
    [created] = imported("code-nodes.json").created
    definition = WorkflowDefinition.objects.get(pk=created.id)
    assert created.placeholders == ["steps[0].body '{# n8n: $json.body.name #} changed'"]
    with pytest.raises(ValidationError, match="placeholders left by an import"):
        definition_set_active(definition=definition, active=True, actor="alice")
    definition.refresh_from_db()
    assert not definition.active


def test_a_definition_the_import_finished_can_be_switched_on():
    created = imported("schedule-poll-mirror.json").created[0]
    assert created.placeholders == []
    definition = WorkflowDefinition.objects.get(pk=created.id)
    definition_set_active(definition=definition, active=True, actor="alice")
    definition.refresh_from_db()
    assert definition.active


def test_a_workflow_a_converter_fails_on_is_reported_and_the_rest_imported(monkeypatch):
    def broken(node, ctx):
        raise KeyError("bug")

    monkeypatch.setitem(mapping.NODES, "n8n-nodes-base.merge",
                        mapping.one("Merge", broken))
    result = imported("estimate-follow-up.json", "schedule-poll-mirror.json")
    failed = result.files[0].workflows[0]
    assert failed.created == []
    assert failed.report.notes == ["could not be converted (KeyError); nothing was imported "
                                   "from it"]
    assert [c.name for c in result.created] == ["Open estimates over $1,000"]


def test_a_definition_the_converter_got_wrong_is_refused_by_validation_not_stored(monkeypatch):
    def wrong(node, ctx):
        from workflows.n8n.nodes.base import Outcome, Status

        return Outcome(Status.CONVERTED, "x", [{"id": ctx.step_id(), "type": "wait",
                                                 "duration": "soon"}])

    monkeypatch.setitem(mapping.NODES, "n8n-nodes-base.twilio", mapping.one("Twilio", wrong))
    result = n8n_import(uploads=[Upload("002.json", (
        CORPUS / "002-twilio-node-basic.json").read_bytes())], actor="alice")
    [line] = result.files[0].workflows[0].not_created
    assert "not created: it does not validate: step 'twilio'.duration: 'soon'" in line
    assert not WorkflowImportReport.objects.exists()


def test_a_schedule_reading_the_mirror_by_dates_arrives_as_an_inactive_audience_definition():
    data = {"name": "Renewal reminders", "nodes": [
        {"name": "Daily", "type": "n8n-nodes-base.scheduleTrigger", "typeVersion": 1.2,
         "position": [0, 0], "parameters": {"rule": {"interval": [{"field": "days",
                                                                   "triggerAtHour": 9}]}}},
        {"name": "Ending", "type": "n8n-nodes-base.postgres", "typeVersion": 2.5,
         "position": [0, 0], "parameters": {"operation": "executeQuery", "query":
                                            "SELECT * FROM st_memberships WHERE to_date < "
                                            "now() + interval '30 days' AND status = 'Active'"}},
        {"name": "Text", "type": "n8n-nodes-base.twilio", "typeVersion": 1, "position": [0, 0],
         "parameters": {"message": "Your membership ends soon"}}],
        "connections": {"Daily": {"main": [[{"node": "Ending", "type": "main", "index": 0}]]},
                        "Ending": {"main": [[{"node": "Text", "type": "main", "index": 0}]]}}}
    result = n8n_import(uploads=[Upload("renewals.json", json.dumps(data).encode())],
                        actor="alice", dry_run=False)
    definition = WorkflowDefinition.objects.get(pk=result.created[0].id)
    assert (definition.trigger_kind, definition.active) == ("audience", False)
    assert definition.audience["rule"]["all"][1] == {"field": "to_date", "op": "within_next",
                                                     "value": "30d"}
    definition_set_active(definition=definition, active=True, actor="alice")
    definition.refresh_from_db()
    assert definition.active
