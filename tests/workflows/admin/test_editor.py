"""What the definition form editor is given: its choices from the registries, a text preview
for a sample record, and a read-only page for a Viewer."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from messaging.segments import segment_count
from tests.workflows.factories import CustomerFactory, EstimateFactory
from workflows.admin.editor import editor_schema, entity_fields, measure_of, text_preview
from workflows.steps.base import REGISTRY

pytestmark = pytest.mark.django_db
PREVIEW = "admin:workflows_workflowdefinition_text_preview"


def test_every_registered_step_type_is_offered_with_its_declared_parameters():
    offered = {t["type"]: t for t in editor_schema()["step_types"]}
    assert set(offered) == set(REGISTRY)
    assert [p["name"] for p in offered["send_sms"]["params"]] == ["body", "purpose"]
    assert offered["send_sms"]["params"][0]["kind"] == "sms"
    assert "event.body" in offered["wait_for_event"]["outputs"]
    assert offered["http_request"]["params"][0]["choices"] == ["GET", "POST", "PUT", "PATCH",
                                                               "DELETE"]


def test_the_triggers_are_the_event_types_the_apps_announce():
    events = {e["value"]: e["entity"] for e in editor_schema()["events"]}
    assert events["estimate.created"] == "estimate"
    assert events["estimate.status_changed"] == "estimate"
    assert events["job.completed"] == "job"
    assert events["invoice.paid"] == "invoice"
    assert events["sms.received"] == "customer"
    assert "customer.status_changed" not in events   # customers have no status column


def test_an_estimate_rule_can_name_its_columns_and_its_customers():
    fields = entity_fields("estimate")
    assert {"total", "status", "customer.type", "customer.state", "new_status"} <= set(fields)
    assert "raw" not in fields and "customer.raw" not in fields


def test_the_groups_are_offered_to_notify_staff():
    assert {"Manager", "Viewer"} <= set(editor_schema()["groups"])


def test_a_text_is_previewed_for_the_newest_record_with_its_segments():
    CustomerFactory(id=7, name="Old Record")
    estimate = EstimateFactory(customer_id=CustomerFactory(name="Dana Whitfield").id,
                               total=Decimal("1250.00"))
    preview = text_preview("Hi {{ customer.first_name }}, ${{ entity.total }} 😀", "estimate",
                           measure_of("send_sms", "body"))
    assert preview == {"text": "Hi Dana, $1250.00 😀", "characters": 19, "segments": 1,
                       "sample": f"estimate {estimate.pk}"}


def test_a_long_text_counts_several_segments():
    assert text_preview("x" * 161, "estimate", segment_count)["segments"] == 2


def test_the_send_sms_text_is_measured_in_segments_by_messaging():
    assert measure_of("send_sms", "body") is segment_count
    assert measure_of("notify_staff", "body") is None


def test_a_text_that_does_not_compile_is_an_error_not_a_preview():
    assert "error" in text_preview("Hi {% if customer %}", "estimate")


def test_the_preview_endpoint_answers_json(admin_client):
    response = admin_client.get(reverse(PREVIEW), {"body": "Hello", "entity": "estimate",
                                                   "type": "send_sms", "param": "body"})
    assert response.status_code == 200
    assert response.json() == {"text": "Hello", "characters": 5, "segments": 1,
                               "sample": None}


def test_the_preview_endpoint_refuses_an_overlong_body_with_a_400(admin_client):
    response = admin_client.get(reverse(PREVIEW), {"body": "x" * 5000, "entity": "estimate"})
    assert response.status_code == 400


def test_a_viewer_opens_a_definition_read_only(client, follow_up):
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewer"))
    client.force_login(viewer)
    response = client.get(reverse("admin:workflows_workflowdefinition_change",
                                  args=[follow_up.pk]))
    assert response.status_code == 200
    assert response.context["editor"]["config"]["readonly"] is True
    assert response.context["editor"]["data"]["steps"] == follow_up.steps


def test_the_form_errors_reach_the_editor_by_field(admin_client):
    response = admin_client.post(reverse("admin:workflows_workflowdefinition_add"), {
        "name": "Bad", "trigger_kind": "event", "trigger_event": "estimate.created",
        "trigger_conditions": "{}", "audience": "{}", "cancel_on": "[]",
        "reentry": "one_live",
        "steps": '[{"id": "w", "type": "wait", "duration": "2 days"}]'})
    assert response.status_code == 200
    assert response.context["editor"]["errors"]["steps"][0].startswith(
        "step 'w'.duration: '2 days' is not a duration")


CRM_STEP = {"id": "crm", "type": "http_request", "url": "https://user:hunter2@crm.example.com/x",
            "headers": {"Authorization": "Bearer sk_live_4242", "X-Source": "perfectcatch"}}


def logged_in(client, role):
    user = User.objects.create_user(role.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def test_a_viewer_reads_a_definition_without_the_credentials_its_steps_send(
        client, make_definition):
    definition = make_definition(steps=[CRM_STEP])
    page = logged_in(client, "Viewer").get(
        reverse("admin:workflows_workflowdefinition_change", args=[definition.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "X-Source" in body and "crm.example.com" in body
    assert "sk_live_4242" not in body and "hunter2" not in body
    definition.refresh_from_db()
    assert definition.steps == [CRM_STEP]  # shown redacted, stored whole


def test_a_manager_edits_the_credentials(client, make_definition):
    definition = make_definition(steps=[CRM_STEP])
    page = logged_in(client, "Manager").get(
        reverse("admin:workflows_workflowdefinition_change", args=[definition.pk]))
    assert "sk_live_4242" in page.content.decode()


@pytest.mark.parametrize(("role", "shown"), [("Viewer", False), ("Manager", True)])
def test_the_json_export_holds_the_credentials_only_for_those_who_may_change_them(
        client, make_definition, role, shown):
    definition = make_definition(steps=[CRM_STEP])
    response = logged_in(client, role).post(
        reverse("admin:workflows_workflowdefinition_changelist"),
        {"action": "export_json", "_selected_action": [definition.pk]})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert ("sk_live_4242" in body) is shown and ("hunter2" in body) is shown
    assert "X-Source" in body and "crm.example.com" in body


def test_a_manager_is_told_to_move_written_credentials_into_secrets(client, make_definition):
    definition = make_definition(steps=[CRM_STEP])
    page = logged_in(client, "Manager").get(
        reverse("admin:workflows_workflowdefinition_change", args=[definition.pk]))
    [message] = [str(m) for m in page.context["messages"]]
    assert "step 'crm': its URL, header 'Authorization'" in message
    assert "{{ secrets.NAME }}" in message and "X-Source" not in message


def test_a_credential_named_as_a_secret_draws_no_warning(client, make_definition):
    step = {**CRM_STEP, "url": "https://crm.example.com/x",
            "headers": {"Authorization": "Bearer {{ secrets.crm_token }}"}}
    definition = make_definition(steps=[step])
    page = logged_in(client, "Manager").get(
        reverse("admin:workflows_workflowdefinition_change", args=[definition.pk]))
    assert list(page.context["messages"]) == []


def test_the_list_finds_the_definitions_with_written_credentials(admin_client, make_definition):
    written = make_definition(name="Literal key", steps=[CRM_STEP])
    make_definition(name="Named key", steps=[{
        **CRM_STEP, "url": "https://crm.example.com/x",
        "headers": {"Authorization": "Bearer {{ secrets.crm_token }}"}}])
    make_definition(name="No request")
    page = admin_client.get(reverse("admin:workflows_workflowdefinition_changelist"),
                            {"credentials": "written"})
    assert [d.pk for d in page.context["cl"].result_list] == [written.pk]
