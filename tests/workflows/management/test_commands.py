import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.workflows.conftest import FOLLOW_UP
from tests.workflows.factories import EstimateFactory, emit
from workflows.models import WorkflowDefinition, WorkflowInstance

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_workflows_run_once_drains_events_and_due_steps(follow_up):
    emit(EstimateFactory(), "estimate.created")
    assert "1 events, 1 instances started" in run("workflows_run", "--once")
    assert WorkflowInstance.objects.get().status == "waiting"


@pytest.mark.parametrize(("args", "message"), [
    (["--batch", "0"], "'0' must be greater than zero"),
    (["--lease", "soon"], "'soon' is not a number"),
])
def test_workflows_run_refuses_bad_numbers(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("workflows_run", "--once", *args)


def test_workflow_explain_prints_the_conditions_and_the_outcome(follow_up):
    estimate = EstimateFactory(total="999.00")
    emit(estimate, "estimate.created")
    run("workflows_run", "--once")
    out = run("workflow_explain", "estimate", str(estimate.id))
    assert "Follow-up (v1, active) — trigger estimate.created" in out
    assert "FAIL total >= 1000 (actual '999.00')" in out


def test_workflow_explain_refuses_an_unknown_entity_type():
    with pytest.raises(CommandError, match="unknown entity type 'estimat'; known: appointment"):
        call_command("workflow_explain", "estimat", "1")


def test_workflow_import_creates_definitions_from_a_file(tmp_path):
    path = tmp_path / "defs.json"
    path.write_text(json.dumps([FOLLOW_UP]))
    assert run("workflow_import", str(path)) == "created: Follow-up\n"
    assert WorkflowDefinition.objects.filter(name="Follow-up").exists()


def test_workflow_import_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"cannot read .*nope\.json: No such file"):
        call_command("workflow_import", str(tmp_path / "nope.json"))


def test_workflow_import_refuses_broken_json(tmp_path):
    path = tmp_path / "defs.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("workflow_import", str(path))


def test_workflow_import_refuses_an_invalid_definition_naming_the_problem(tmp_path):
    path = tmp_path / "defs.json"
    path.write_text(json.dumps({**FOLLOW_UP, "trigger_event": "nope"}))
    with pytest.raises(CommandError, match="Follow-up: trigger_event: 'nope' is not an event"):
        call_command("workflow_import", str(path))


def test_workflow_backtest_reports_counts_and_sample(follow_up):
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    out = run("workflow_backtest", "Follow-up", "--since", "30d")
    assert out.startswith("Follow-up: 1 instances would have started from 1 matching of 1")
    assert f"estimate {estimate.id} (event #" in out


def test_workflow_backtest_finds_a_definition_by_id(follow_up):
    assert run("workflow_backtest", str(follow_up.pk)).startswith("Follow-up: 0 instances")


def test_workflow_backtest_refuses_an_unknown_definition():
    with pytest.raises(CommandError, match="no workflow definition with the id or name 'x'"):
        call_command("workflow_backtest", "x")


def test_workflow_backtest_refuses_a_bad_window(follow_up):
    with pytest.raises(CommandError, match="--since: '30 days' is not a duration"):
        call_command("workflow_backtest", "Follow-up", "--since", "30 days")
