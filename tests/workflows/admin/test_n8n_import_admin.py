"""The admin's n8n upload page (Managers only), the report on a definition's page, and
switching on refused while placeholders remain."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.workflows.n8n.conftest import own_bytes
from workflows.models import WorkflowDefinition, WorkflowImportReport
from workflows.n8n.reader import MAX_BYTES

pytestmark = pytest.mark.django_db

URL = "/admin/workflows/workflowdefinition/import-n8n/"
CHANGELIST = "/admin/workflows/workflowdefinition/"


def staff(client, role):
    user = get_user_model().objects.create_user(f"user-{role}", password="x" * 12,
                                                is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def export(name):
    return SimpleUploadedFile(name, own_bytes(name), content_type="application/json")


def test_the_upload_page_has_its_url():
    assert reverse("admin:workflows_workflowdefinition_import_n8n") == URL


@pytest.mark.parametrize("role", ["Viewer", "Dispatcher"])
def test_only_managers_may_import(client, role):
    staff(client, role)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"files": export("schedule-poll-mirror.json")})
    assert response.status_code == 403
    assert not WorkflowImportReport.objects.exists()
    assert "Import from n8n" not in client.get(CHANGELIST).content.decode()


def test_a_manager_finds_the_page_from_the_definitions_list(client):
    staff(client, "Manager")
    assert URL in client.get(CHANGELIST).content.decode()
    assert client.get(URL).status_code == 200


def test_uploading_creates_inactive_definitions_and_shows_each_report_with_links(client):
    staff(client, "Manager")
    response = client.post(URL, {"files": [export("estimate-follow-up.json"),
                                           export("if-versions.json")]})
    assert response.status_code == 200
    page = response.content.decode()
    definition = WorkflowDefinition.objects.get(name="Estimate follow-up from n8n")
    assert not definition.active and definition.updated_by == "user-Manager"
    assert reverse("admin:workflows_workflowdefinition_change", args=[definition.pk]) in page
    assert "<strong>4</strong> definition(s) created, inactive" in page
    assert "JavaScript code needs a rewrite" in page
    assert "return $input.all().map(i =&gt;" in page  # the code, shown escaped
    assert definition.import_report.created_by == "user-Manager"


def test_a_dry_run_upload_shows_the_report_and_creates_nothing(client):
    staff(client, "Manager")
    before = WorkflowDefinition.objects.count()
    response = client.post(URL, {"files": export("switch-versions.json"), "dry_run": "on"})
    assert "would be created (dry run: nothing was written)" in response.content.decode()
    assert WorkflowDefinition.objects.count() == before


def test_an_unreadable_upload_is_a_400_with_the_reason(client):
    staff(client, "Manager")
    response = client.post(URL, {"files": export("malformed-mixed-list.json")})
    assert response.status_code == 400
    assert "malformed-mixed-list.json: item 2 of the list is a number" in \
        response.content.decode()


def test_an_upload_over_the_limit_is_refused_unread(client):
    staff(client, "Manager")
    big = SimpleUploadedFile("big.json", b" " * (MAX_BYTES + 1))
    response = client.post(URL, {"files": big})
    assert response.status_code == 400
    assert "big.json is larger than 5 MB" in response.content.decode()


def test_a_post_without_a_file_is_a_400(client):
    staff(client, "Manager")
    assert client.post(URL, {}).status_code == 400


def test_the_definition_page_shows_its_import_report(admin_client):
    admin_client.post(URL, {"files": export("http-versions.json")})
    definition = WorkflowDefinition.objects.get(name="HTTP v1")
    page = admin_client.get(reverse("admin:workflows_workflowdefinition_change",
                                    args=[definition.pk])).content.decode()
    assert "Imported from n8n on" in page
    assert "header &#x27;X-Api-Key&#x27; not carried over (a credential)" in page
    assert "k-123" not in page


def form_data(definition, **changes):
    data = {"name": definition.name, "description": definition.description,
            "trigger_event": definition.trigger_event, "reentry": definition.reentry,
            **{k: json.dumps(getattr(definition, k)) for k in ("trigger_conditions", "steps",
                                                              "cancel_on")}}
    data.update(changes)
    return data


def test_switching_on_in_the_change_page_is_refused_while_placeholders_remain(admin_client):
    admin_client.post(URL, {"files": export("code-nodes.json")})
    definition = WorkflowDefinition.objects.get(name="Code and functions")
    url = reverse("admin:workflows_workflowdefinition_change", args=[definition.pk])
    response = admin_client.post(url, form_data(definition, active="on"))
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["active"]
    assert "placeholders left by an import; replace steps[0].body" in error
    definition.refresh_from_db()
    assert not definition.active


def test_once_the_placeholders_are_replaced_it_switches_on(admin_client):
    admin_client.post(URL, {"files": export("code-nodes.json")})
    definition = WorkflowDefinition.objects.get(name="Code and functions")
    steps = [{**definition.steps[0], "body": "{{ entity.name }} changed"}]
    url = reverse("admin:workflows_workflowdefinition_change", args=[definition.pk])
    response = admin_client.post(url, form_data(definition, active="on",
                                                steps=json.dumps(steps)))
    assert response.status_code == 302
    definition.refresh_from_db()
    assert definition.active and definition.version == 2


def test_the_switch_on_action_skips_definitions_with_placeholders_and_says_why(admin_client):
    admin_client.post(URL, {"files": [export("code-nodes.json"),
                                      export("schedule-poll-mirror.json")]})
    unfinished = WorkflowDefinition.objects.get(name="Code and functions")
    complete = WorkflowDefinition.objects.get(name="Open estimates over $1,000")
    response = admin_client.post(CHANGELIST, {"action": "switch_on",
                                              "_selected_action": [unfinished.pk, complete.pk]},
                                 follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Code and functions: active: cannot switch on") for m in messages)
    assert "1 definition(s) switched on" in messages
    unfinished.refresh_from_db()
    complete.refresh_from_db()
    assert (unfinished.active, complete.active) == (False, True)


@pytest.mark.parametrize("role", ["Viewer", "Dispatcher", "Manager"])
def test_every_role_may_read_import_reports_once_migrated(role):
    # The report model came after the roles' migration: post_migrate keeps roles in step.
    assert Group.objects.get(name=role).permissions.filter(
        codename="view_workflowimportreport").exists()
