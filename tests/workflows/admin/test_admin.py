import json

import pytest
from django.urls import reverse

from tests.workflows.conftest import FOLLOW_UP
from tests.workflows.factories import EstimateFactory, emit
from workflows.models import WorkflowDefinition, WorkflowEvent, WorkflowInstance

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(follow_up, drain):
    """A started instance, a failed one and their events."""
    emit(EstimateFactory(), "estimate.created")
    emit(EstimateFactory(total="10.00"), "estimate.created")
    drain()
    return follow_up


@pytest.mark.parametrize("model", ["workflowdefinition", "workflowinstance", "workflowevent"])
def test_every_changelist_and_search_page_renders(admin_client, world, model):
    url = reverse(f"admin:workflows_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "estimate"}).status_code == 200


@pytest.mark.parametrize(("model", "obj"), [
    ("workflowdefinition", lambda: WorkflowDefinition.objects.get(name="Follow-up")),
    ("workflowinstance", lambda: WorkflowInstance.objects.get()),
    ("workflowevent", lambda: WorkflowEvent.objects.first()),
])
def test_every_change_page_renders(admin_client, world, model, obj):
    response = admin_client.get(reverse(f"admin:workflows_{model}_change", args=[obj().pk]))
    assert response.status_code == 200


def test_the_definition_add_page_renders(admin_client):
    assert admin_client.get(reverse("admin:workflows_workflowdefinition_add")).status_code == 200


def form_data(**changes):
    data = {**FOLLOW_UP, "name": "From the admin", **changes}
    return {**{k: json.dumps(data[k]) for k in ("trigger_conditions", "steps", "cancel_on")},
            "name": data["name"], "description": "", "trigger_event": data["trigger_event"],
            "reentry": "one_live", "active": "on"}


def test_adding_a_definition_through_the_form_freezes_version_one(admin_client):
    response = admin_client.post(reverse("admin:workflows_workflowdefinition_add"),
                                 form_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert WorkflowDefinition.objects.get(name="From the admin").current_version.number == 1


def test_an_invalid_step_is_shown_on_the_steps_field(admin_client):
    steps = [{"id": "w", "type": "wait", "duration": "2 days"}]
    response = admin_client.post(reverse("admin:workflows_workflowdefinition_add"),
                                 form_data(steps=steps))
    assert response.status_code == 200
    assert "step &#x27;w&#x27;.duration: &#x27;2 days&#x27; is not a duration" in \
        response.content.decode()
    assert response.context["adminform"].form.errors["steps"]


def test_broken_json_is_refused_by_the_editor(admin_client):
    data = {**form_data(), "steps": "[{not json"}
    response = admin_client.post(reverse("admin:workflows_workflowdefinition_add"), data)
    assert response.context["adminform"].form.errors["steps"] == ["Enter a valid JSON."]


def test_editing_the_steps_creates_version_two(admin_client, follow_up):
    url = reverse("admin:workflows_workflowdefinition_change", args=[follow_up.pk])
    admin_client.post(url, form_data(name="Follow-up", steps=FOLLOW_UP["steps"][:1]))
    follow_up.refresh_from_db()
    assert follow_up.version == 2


def test_the_definition_page_previews_recent_matching_entities(admin_client, world):
    response = admin_client.get(reverse("admin:workflows_workflowdefinition_change",
                                        args=[world.pk]))
    assert response.context["preview"].would_start == 1


def test_the_definition_page_lists_what_recent_trigger_events_did(admin_client, world):
    response = admin_client.get(reverse("admin:workflows_workflowdefinition_change",
                                        args=[world.pk]))
    assert sorted(m.outcome for m in response.context["recent_matches"]) == ["no_match",
                                                                            "started"]


def test_the_backtest_page_counts_would_be_instances(admin_client, world):
    url = reverse("admin:workflows_workflowdefinition_backtest", args=[world.pk])
    response = admin_client.get(url, {"since": "30d"})
    assert response.context["result"].would_start == 1


def test_the_backtest_page_refuses_a_bad_window_with_a_400(admin_client, world):
    url = reverse("admin:workflows_workflowdefinition_backtest", args=[world.pk])
    response = admin_client.get(url, {"since": "forever"})
    assert response.status_code == 400 and "is not a duration" in response.context["error"]


def test_the_export_action_downloads_json(admin_client, world):
    response = admin_client.post(reverse("admin:workflows_workflowdefinition_changelist"),
                                 {"action": "export_json", "_selected_action": [world.pk]})
    assert json.loads(response.content)[0]["name"] == "Follow-up"


def test_the_cancel_action_cancels_through_the_service(admin_client, world):
    instance = WorkflowInstance.objects.get()
    admin_client.post(reverse("admin:workflows_workflowinstance_changelist"),
                      {"action": "cancel", "_selected_action": [instance.pk]})
    instance.refresh_from_db()
    assert instance.status == "cancelled" and instance.audit_log.filter(actor="admin").exists()


def test_the_retry_action_on_a_live_instance_warns_instead_of_failing(admin_client, world):
    instance = WorkflowInstance.objects.get()
    response = admin_client.post(reverse("admin:workflows_workflowinstance_changelist"),
                                 {"action": "retry", "_selected_action": [instance.pk]},
                                 follow=True)
    assert "only failed instances can be retried" in response.content.decode()


def test_the_instance_page_shows_its_timeline(admin_client, world):
    instance = WorkflowInstance.objects.get()
    response = admin_client.get(reverse("admin:workflows_workflowinstance_change",
                                        args=[instance.pk]))
    assert [row["title"] for row in response.context["timeline"]][:2] == ["started",
                                                                         "wait (wait) attempt 1"]


def test_the_instance_list_counts_instances_by_status(admin_client, world):
    response = admin_client.get(reverse("admin:workflows_workflowinstance_changelist"))
    assert ("waiting", 1, "#8a6d00") in response.context["status_counts"]


def test_the_explain_page_shows_each_definition_for_an_entity(admin_client, world):
    event = WorkflowEvent.objects.order_by("id").last()
    response = admin_client.get(reverse("admin:workflows_explain",
                                        args=[event.entity_type, event.entity_id]))
    assert "conditions not met" in response.content.decode()


def test_the_explain_form_redirects_to_the_entity(admin_client):
    response = admin_client.get(reverse("admin:workflows_explain_form"),
                                {"entity_type": "estimate", "entity_id": "5"})
    assert response.url == reverse("admin:workflows_explain", args=["estimate", "5"])


def test_the_event_list_shows_the_matched_definitions(admin_client, world):
    response = admin_client.get(reverse("admin:workflows_workflowevent_changelist"))
    assert "Follow-up (instance started)" in response.content.decode()


def test_the_switch_off_action_deactivates_definitions(admin_client, world):
    admin_client.post(reverse("admin:workflows_workflowdefinition_changelist"),
                      {"action": "switch_off", "_selected_action": [world.pk]})
    world.refresh_from_db()
    assert world.active is False and world.updated_by == "admin"


def test_the_definition_page_previews_the_newest_events_and_links_the_full_backtest(
        admin_client, world, monkeypatch):
    from workflows.admin import definitions

    monkeypatch.setattr(definitions, "PREVIEW_MAX_EVENTS", 1)
    response = admin_client.get(reverse("admin:workflows_workflowdefinition_change",
                                        args=[world.pk]))
    assert response.context["preview"].events == 1 and response.context["preview"].truncated
    assert "the backtest</a> reads them all" in response.content.decode()


def test_the_explain_form_picks_the_entity_type_from_a_list(admin_client):
    response = admin_client.get(reverse("admin:workflows_explain_form"),
                                {"entity_type": "no_such_thing", "entity_id": "5"})
    assert response.status_code == 200
    assert b'<option value="estimate"' in response.content
    assert "Select a valid choice" in response.content.decode()
