"""The GHL workflow steps, run by the real workflow engine against the sandbox."""

import pytest
from django.core.exceptions import ValidationError

from ghl.models import EstimateOpportunity
from tests.ghl.conftest import sandbox_opportunities
from tests.workflows.factories import emit
from workflows.models import InstanceStatus, WorkflowInstance

pytestmark = pytest.mark.django_db
PUSH = {"id": "push", "type": "ghl_push_estimate"}


def run(make_workflow, drain, estimate, steps) -> WorkflowInstance:
    make_workflow(steps)
    emit(estimate, "estimate.created")
    drain()
    return WorkflowInstance.objects.get()


def test_a_workflow_pushes_the_estimate_it_is_about(ghl, synced, estimate, make_workflow,
                                                    drain):
    instance = run(make_workflow, drain, estimate, [PUSH])
    [opportunity] = sandbox_opportunities(ghl, estimate.id)
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.context["steps"]["push"]["opportunity_id"] == opportunity["id"]


def test_a_workflow_moves_the_opportunity_to_a_stage_given_by_name(ghl, synced, estimate,
                                                                   make_workflow, drain):
    move = {"id": "move", "type": "ghl_update_opportunity", "stage": "follow-up",
            "status": "open"}
    instance = run(make_workflow, drain, estimate, [PUSH, move])
    [opportunity] = sandbox_opportunities(ghl, estimate.id)
    stage = next(s for s in ghl.state.pipelines[0]["stages"] if s["name"] == "Follow-up")
    assert instance.status == InstanceStatus.COMPLETED
    assert opportunity["pipelineStageId"] == stage["id"]


def test_moving_an_estimate_never_pushed_fails_the_step_with_the_reason(synced, estimate,
                                                                        make_workflow, drain):
    move = {"id": "move", "type": "ghl_update_opportunity", "status": "lost"}
    instance = run(make_workflow, drain, estimate, [move])
    assert instance.status == InstanceStatus.FAILED
    assert "push it first" in instance.step_runs.get().error


def test_an_unknown_stage_fails_the_step_naming_the_stages(synced, estimate, make_workflow,
                                                           drain):
    move = {"id": "move", "type": "ghl_update_opportunity", "stage": "Nowhere"}
    instance = run(make_workflow, drain, estimate, [PUSH, move])
    assert instance.status == InstanceStatus.FAILED
    assert "New Lead" in instance.step_runs.get(step_id="move").error


def test_ghl_being_down_is_retried_by_the_engine(sandbox, synced, estimate, make_workflow,
                                                 drain):
    sandbox.app.faults.add(vendor="ghl", status=503, times=None, retry_after=0)
    instance = run(make_workflow, drain, estimate, [PUSH])
    assert instance.status == InstanceStatus.PENDING and instance.step_runs.get().error
    assert EstimateOpportunity.objects.get().opportunity_id is None


def test_estimate_id_can_come_from_a_template(ghl, synced, estimate, make_workflow, drain):
    push = {**PUSH, "estimate_id": "{{ entity.id }}"}
    assert run(make_workflow, drain, estimate, [push]).status == InstanceStatus.COMPLETED


@pytest.mark.parametrize(("step", "message"), [
    ({"id": "m", "type": "ghl_update_opportunity"}, "stage"),
    ({"id": "m", "type": "ghl_update_opportunity", "status": "closed"}, "status"),
    ({"id": "m", "type": "ghl_push_estimate", "pipeline": "x"}, "unknown parameter"),
])
def test_a_bad_step_definition_is_refused_when_saved(make_workflow, step, message):
    with pytest.raises(ValidationError, match=message):
        make_workflow([step])
