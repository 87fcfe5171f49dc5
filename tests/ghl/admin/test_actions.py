"""The GHL admin's editable parts and actions: the employee mapping, the stage mapping,
pushing estimates, applying webhooks again."""

import pytest
from django.contrib.admin import helpers

from ghl.models import Employee, EstimateOpportunity, GHLUser, StageMapping, WebhookDelivery
from ghl.services.sync import sync
from tests.ghl.conftest import EstimateFactory, TechnicianFactory, sandbox_opportunities

pytestmark = pytest.mark.django_db


def act(admin_client, path: str, action: str, ids: list):
    return admin_client.post(path, {"action": action, helpers.ACTION_CHECKBOX_NAME: ids},
                             follow=True)


@pytest.fixture
def people(ghl_client):
    marco = TechnicianFactory()
    kevin = TechnicianFactory(name="Kevin O'Brien", email="kevin.obrien@perfectcatch-hvac.example")
    sync(["users"], client=ghl_client)
    return marco, kevin


def test_unmatched_people_are_listed_first(admin_client, people):
    page = admin_client.get("/admin/ghl/employee/").content.decode()
    assert page.index("Kevin O&#x27;Brien") < page.index("Marco Delgado")


def test_staff_choose_a_ghl_user_and_the_choice_is_kept(admin_client, people, ghl_client):
    _, kevin = people
    person = Employee.objects.get(st_id=kevin.id)
    user = GHLUser.objects.get(email__startswith="sam.")
    response = admin_client.post(f"/admin/ghl/employee/{person.pk}/change/",
                                 {"ghl_user": user.pk})
    assert response.status_code == 302
    sync(["users"], client=ghl_client)
    person.refresh_from_db()
    assert (person.ghl_user, person.match) == (user, "staff")


def test_matching_by_email_again_forgets_the_hand_made_choice(admin_client, people):
    marco, _ = people
    person = Employee.objects.get(st_id=marco.id)
    Employee.objects.filter(pk=person.pk).update(ghl_user=None, match="staff")
    response = act(admin_client, "/admin/ghl/employee/", "match_by_email", [person.pk])
    assert "matched by email" in response.content.decode()
    assert Employee.objects.get(pk=person.pk).match == "email"


def test_staff_can_map_a_status_to_another_stage(admin_client, synced):
    mapping = StageMapping.objects.get(st_status="Open")
    stage = mapping.pipeline.stages.get(name="Estimate Sent")
    response = admin_client.post(f"/admin/ghl/stagemapping/{mapping.pk}/change/", {
        "pipeline": mapping.pipeline_id, "st_status": "Open", "stage": stage.pk,
        "ghl_status": "open"})
    assert response.status_code == 302
    assert StageMapping.objects.get(pk=mapping.pk).stage == stage


def test_a_stage_of_another_pipeline_is_refused(admin_client, synced):
    mapping = StageMapping.objects.get(st_status="Open")
    elsewhere = StageMapping.objects.model.stage.field.related_model.objects.exclude(
        pipeline=mapping.pipeline).first()
    response = admin_client.post(f"/admin/ghl/stagemapping/{mapping.pk}/change/", {
        "pipeline": mapping.pipeline_id, "st_status": "Open", "stage": elsewhere.pk,
        "ghl_status": "open"})
    assert response.status_code == 200 and "is not a stage of" in response.content.decode()
    assert StageMapping.objects.get(pk=mapping.pk).stage != elsewhere


def test_estimates_are_pushed_from_the_admin(admin_client, ghl, synced, estimate):
    response = act(admin_client, "/admin/ghl/estimatetopush/", "push_to_ghl", [estimate.id])
    assert "1 done" in response.content.decode()
    assert len(sandbox_opportunities(ghl, estimate.id)) == 1


def test_a_failed_push_is_reported_per_estimate(admin_client, synced):
    estimate = EstimateFactory(status="Pending")
    response = act(admin_client, "/admin/ghl/estimatetopush/", "push_to_ghl", [estimate.id])
    assert "1 failed" in response.content.decode() and "no stage is mapped" in \
        response.content.decode()


def test_a_link_is_pushed_again_from_the_admin(admin_client, ghl, synced, estimate):
    act(admin_client, "/admin/ghl/estimatetopush/", "push_to_ghl", [estimate.id])
    act(admin_client, "/admin/ghl/estimateopportunity/", "push_again", [estimate.id])
    assert EstimateOpportunity.objects.get().pushes == 2


def test_a_failed_delivery_is_applied_again(admin_client, populated):
    delivery = WebhookDelivery.objects.filter(verdict="accepted").first()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    response = act(admin_client, "/admin/ghl/webhookdelivery/", "apply_again", [delivery.pk])
    assert "1 done" in response.content.decode()
    assert WebhookDelivery.objects.get(pk=delivery.pk).status != "failed"


def test_a_refused_delivery_is_never_applied(admin_client, populated):
    refused = WebhookDelivery.objects.exclude(verdict="accepted").first()
    response = act(admin_client, "/admin/ghl/webhookdelivery/", "apply_again", [refused.pk])
    assert "never applied" in response.content.decode()


def test_pushing_from_the_admin_has_a_per_user_budget(admin_client, ghl, synced, estimate,
                                                      settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "admin_vendor_action": "1/m"}
    act(admin_client, "/admin/ghl/estimatetopush/", "push_to_ghl", [estimate.id])
    response = act(admin_client, "/admin/ghl/estimatetopush/", "push_to_ghl", [estimate.id])
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many requests" in response.content.decode()
    assert EstimateOpportunity.objects.get().pushes == 1
