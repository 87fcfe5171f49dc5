"""Pushing estimates to GHL as opportunities, against the sandbox over real HTTP."""

import pytest

from ghl.models import Employee, EstimateOpportunity, GHLContact, GHLOpportunity, StageMapping
from ghl.services.plan import PushError
from ghl.services.push import ghl_push_estimate
from sandbox.ghl.validation import SCHEMAS
from tests.ghl.conftest import (
    CustomerFactory,
    EstimateFactory,
    TechnicianFactory,
    api_requests,
    sandbox_opportunities,
)

pytestmark = pytest.mark.django_db


def stage_name(ghl, stage_id: str) -> str:
    return next(s["name"] for p in ghl.state.pipelines for s in p["stages"]
                if s["id"] == stage_id)


def push(estimate, ghl_client):
    return ghl_push_estimate(estimate_id=estimate.id, client=ghl_client)


def test_a_first_push_creates_the_contact_and_the_opportunity(ghl, ghl_client, synced,
                                                              estimate, settings):
    result = push(estimate, ghl_client)
    [opportunity] = sandbox_opportunities(ghl, estimate.id)
    contact = ghl.state.contacts[opportunity["contactId"]]
    assert result.created and result.opportunity_id == opportunity["id"]
    assert opportunity["name"] == f"Dana Whitfield – Heat pump install #{estimate.id}"
    assert opportunity["monetaryValue"] == 9630.0
    assert opportunity["pipelineId"] == settings.GHL.pipeline_id
    assert (contact["email"], contact["phone"]) == ("dana@example.com", "+14075550142")


def test_the_requests_carry_every_field_the_spec_requires(ghl, ghl_client, synced, estimate):
    push(estimate, ghl_client)
    [upsert] = api_requests(ghl, "POST", "/contacts/upsert")
    [create] = api_requests(ghl, "POST", "/opportunities")
    assert set(SCHEMAS["UpsertContactDto"]["required"]) <= set(upsert["json"])
    assert set(SCHEMAS["CreateOpportunityDto"]["required"]) <= set(create["json"])
    assert all(r["status"] < 400 for r in ghl.requests())


def test_the_push_is_linked_and_mirrored(ghl_client, synced, estimate):
    result = push(estimate, ghl_client)
    link = EstimateOpportunity.objects.get(estimate_id=estimate.id)
    assert (link.state, link.opportunity_id, link.pushed_status) == (
        "linked", result.opportunity_id, "Open")
    assert GHLOpportunity.objects.get(id=result.opportunity_id).status == "open"
    assert GHLContact.objects.get(id=result.contact_id).st_customer_id == estimate.customer_id


def test_pushing_again_updates_the_same_opportunity(ghl, ghl_client, synced, estimate):
    first = push(estimate, ghl_client)
    estimate.total = 10_500
    estimate.save()
    second = push(estimate, ghl_client)
    [opportunity] = sandbox_opportunities(ghl, estimate.id)
    assert not second.created and second.opportunity_id == first.opportunity_id
    assert opportunity["monetaryValue"] == 10_500
    assert EstimateOpportunity.objects.get().pushes == 2


@pytest.mark.parametrize(("status", "stage", "ghl_status"), [
    ("Open", "New Lead", "open"), ("Sold", "Won", "won"), ("Dismissed", "Lost", "lost")])
def test_each_estimate_status_lands_in_its_mapped_stage(ghl, ghl_client, synced, status,
                                                        stage, ghl_status):
    estimate = EstimateFactory(status=status)
    push(estimate, ghl_client)
    [opportunity] = sandbox_opportunities(ghl, estimate.id)
    assert (stage_name(ghl, opportunity["pipelineStageId"]), opportunity["status"]) == (
        stage, ghl_status)


def test_a_status_change_in_servicetitan_moves_the_opportunity(ghl, ghl_client, synced,
                                                               estimate):
    push(estimate, ghl_client)
    estimate.status = "Sold"
    estimate.save()
    assert push(estimate, ghl_client).stage_moved
    [opportunity] = sandbox_opportunities(ghl, estimate.id)
    assert (stage_name(ghl, opportunity["pipelineStageId"]), opportunity["status"]) == (
        "Won", "won")


def test_a_push_with_nothing_new_about_the_status_keeps_a_move_made_in_ghl(ghl, ghl_client,
                                                                           synced, estimate):
    result = push(estimate, ghl_client)
    follow_up = next(s["id"] for s in ghl.state.pipelines[0]["stages"]
                     if s["name"] == "Follow-up")
    ghl.update_opportunity(result.opportunity_id, notify=False, pipelineStageId=follow_up)
    push(estimate, ghl_client)
    assert ghl.state.opportunities[result.opportunity_id]["pipelineStageId"] == follow_up


def test_a_mapping_changed_by_staff_is_used(ghl, ghl_client, synced, estimate):
    mapping = StageMapping.objects.get(st_status="Open")
    mapping.stage = mapping.pipeline.stages.get(name="Estimate Sent")
    mapping.save()
    push(estimate, ghl_client)
    [opportunity] = sandbox_opportunities(ghl, estimate.id)
    assert stage_name(ghl, opportunity["pipelineStageId"]) == "Estimate Sent"


def test_the_opportunity_goes_to_the_sold_by_employees_ghl_user(ghl, ghl_client, synced,
                                                                estimate):
    result = push(estimate, ghl_client)
    marco = next(u for u in ghl.state.users if u["email"].startswith("marco"))
    assert result.assigned_to == marco["id"]
    assert sandbox_opportunities(ghl, estimate.id)[0]["assignedTo"] == marco["id"]


def test_an_unmapped_seller_leaves_it_unassigned_and_is_listed_for_staff(ghl, ghl_client,
                                                                         synced):
    kevin = TechnicianFactory(name="Kevin O'Brien",
                              email="kevin.obrien@perfectcatch-hvac.example")
    estimate = EstimateFactory(sold_by_id=kevin.id)
    result = push(estimate, ghl_client)
    [create] = api_requests(ghl, "POST", "/opportunities")
    assert "assignedTo" not in create["json"] and result.unmapped_sold_by == kevin.id
    first = Employee.objects.first()
    assert (first.st_id, first.ghl_user) == (kevin.id, None)


def test_a_422_from_ghl_is_a_clear_error_and_links_nothing(sandbox, ghl, ghl_client, synced,
                                                           estimate):
    sandbox.app.faults.add(vendor="ghl", path_contains="/opportunities", method="POST",
                           status=422, body={"statusCode": 422, "error": "Unprocessable",
                                             "message": ["monetaryValue must be a number"]})
    with pytest.raises(PushError, match="monetaryValue must be a number") as caught:
        push(estimate, ghl_client)
    assert not caught.value.retryable
    link = EstimateOpportunity.objects.get()
    assert (link.state, link.opportunity_id) == ("failed", None)
    assert "monetaryValue" in link.last_error
    assert sandbox_opportunities(ghl, estimate.id) == []


def test_ghl_being_down_is_a_retryable_error(sandbox, ghl_client, synced, estimate):
    sandbox.app.faults.add(vendor="ghl", status=503, times=None)
    with pytest.raises(PushError) as caught:
        push(estimate, ghl_client)
    assert caught.value.retryable


def test_an_estimate_not_in_the_mirror_is_refused(ghl_client):
    with pytest.raises(PushError, match="not in the ServiceTitan mirror"):
        ghl_push_estimate(estimate_id=987654, client=ghl_client)


def test_an_estimate_whose_customer_is_missing_is_refused_and_recorded(ghl_client, synced):
    estimate = EstimateFactory(customer_id=31337)
    with pytest.raises(PushError, match="customer"):
        push(estimate, ghl_client)
    assert "31337" in EstimateOpportunity.objects.get().last_error


def test_an_unmapped_estimate_status_is_refused(ghl, ghl_client, synced):
    estimate = EstimateFactory(status="Pending")
    with pytest.raises(PushError, match="no stage is mapped"):
        push(estimate, ghl_client)
    assert sandbox_opportunities(ghl, estimate.id) == []


def test_the_first_push_installs_the_default_stage_mappings(ghl, ghl_client, estimate):
    push(estimate, ghl_client)
    assert StageMapping.objects.count() == 3


def test_an_opportunity_created_before_a_crash_is_adopted_not_duplicated(ghl, ghl_client,
                                                                         synced, estimate):
    first = push(estimate, ghl_client)
    EstimateOpportunity.objects.all().delete()  # as if our commit had been lost
    second = push(estimate, ghl_client)
    assert second.opportunity_id == first.opportunity_id
    assert len(sandbox_opportunities(ghl, estimate.id)) == 1


def test_an_opportunity_deleted_in_ghl_is_created_again(ghl, ghl_client, synced, estimate):
    first = push(estimate, ghl_client)
    ghl.delete_opportunity(first.opportunity_id, notify=False)
    GHLOpportunity.objects.filter(id=first.opportunity_id).update(deleted=True)
    second = push(estimate, ghl_client)
    assert second.created and second.opportunity_id != first.opportunity_id


def test_a_customer_without_email_or_phone_keeps_one_contact(ghl, ghl_client, synced):
    estimate = EstimateFactory(customer_id=CustomerFactory(name="Nobody Reachable").id)
    contacts = len(ghl.state.contacts)
    push(estimate, ghl_client)
    push(estimate, ghl_client)
    assert len(ghl.state.contacts) == contacts + 1


def test_a_do_not_text_number_gets_sms_dnd_in_ghl(ghl, ghl_client, synced):
    from tests.ghl.conftest import CustomerContactFactory

    customer = CustomerFactory()
    CustomerContactFactory(customer_id=customer.id, do_not_text=True)
    result = push(EstimateFactory(customer_id=customer.id), ghl_client)
    assert ghl.state.contacts[result.contact_id]["dndSettings"]["SMS"]["status"] == "active"


def test_an_answer_without_the_opportunity_is_a_clear_error(sandbox, ghl_client, synced,
                                                            estimate):
    sandbox.app.faults.add(vendor="ghl", path_contains="/opportunities", method="POST",
                           status=201, body={"traceId": "x"})
    with pytest.raises(PushError, match="no opportunity with an id"):
        push(estimate, ghl_client)
    assert EstimateOpportunity.objects.get().opportunity_id is None


def test_a_create_that_fails_ambiguously_is_not_retried_blind(ghl, ghl_client, synced,
                                                              estimate, sandbox):
    """A 5xx may come after GHL created the opportunity: the push stops (retryable) instead
    of posting again, and the next push creates exactly one."""
    fault = sandbox.app.faults.add(vendor="ghl", path_contains="/opportunities/",
                                   method="POST", status=502, times=None)
    with pytest.raises(PushError) as excinfo:
        push(estimate, ghl_client)
    sandbox.app.faults.clear()
    assert excinfo.value.retryable and fault.hits == 1
    push(estimate, ghl_client)
    assert len(sandbox_opportunities(ghl, estimate.id)) == 1


def test_a_create_refused_with_429_is_retried(ghl, ghl_client, synced, estimate, sandbox):
    sandbox.app.faults.add(vendor="ghl", path_contains="/opportunities/", method="POST",
                           status=429, retry_after=0, times=1)
    assert push(estimate, ghl_client).created
    assert len(sandbox_opportunities(ghl, estimate.id)) == 1
