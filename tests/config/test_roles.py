"""Staff roles (config/roles.py): each role is allowed and refused the right pages and
actions."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from config.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db

PAGES = {
    "mirror": "/admin/servicetitan/estimate/",
    "sync log": "/admin/servicetitan/synclog/",
    "definitions": "/admin/workflows/workflowdefinition/",
    "new definition": "/admin/workflows/workflowdefinition/add/",
    "instances": "/admin/workflows/workflowinstance/",
    "explain": "/admin/workflows/workflowevent/explain/estimate/1/",
    "messages": "/admin/messaging/smsmessage/",
    "conversations": "/admin/messaging/smsmessage/conversations/",
    "preferences": "/admin/messaging/communicationpreference/",
    "opt a number out": "/admin/messaging/communicationpreference/add/",
    "import opt-outs": "/admin/messaging/communicationpreference/import/",
    "review queue": "/admin/messaging/optoutreview/",
    "ghl opportunities": "/admin/ghl/ghlopportunity/",
    "stage mapping": "/admin/ghl/stagemapping/",
    "new stage mapping": "/admin/ghl/stagemapping/add/",
    "schedules": "/admin/django_q/schedule/",
    "users": "/admin/auth/user/",
}
READ = ["mirror", "sync log", "definitions", "instances", "explain", "messages",
        "conversations", "preferences", "review queue", "ghl opportunities", "stage mapping",
        "schedules"]
ALLOWED = {
    "Viewer": set(READ),
    "Dispatcher": {*READ, "opt a number out", "import opt-outs"},
    "Manager": {*READ, "opt a number out", "import opt-outs", "new definition",
                "new stage mapping"},
}
ACTIONS = {  # changelist: actions that call services
    "/admin/workflows/workflowinstance/": {"retry", "skip", "cancel"},
    "/admin/workflows/workflowdefinition/": {"switch_on", "switch_off"},
    "/admin/servicetitan/syncstate/": {"sync_now", "reset_cursor"},
    "/admin/messaging/communicationpreference/": {"opt_out_selected", "opt_in_selected"},
    "/admin/messaging/optoutreview/": {"confirm_selected", "opt_in_selected"},
    "/admin/ghl/estimatetopush/": {"push_to_ghl"},
    "/admin/ghl/webhookdelivery/": {"apply_again"},
    "/admin/django_q/failure/": {"queue_again"},
    "/admin/django_q/success/": {"queue_again"},
}
OFFERED = {
    "Viewer": set(),
    "Dispatcher": {"/admin/messaging/communicationpreference/", "/admin/messaging/optoutreview/"},
    "Manager": set(ACTIONS),
}


def staff(client, role: str | None):
    user = get_user_model().objects.create_user(f"user-{role}", password="x" * 12,
                                                is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def offered_actions(client, path: str) -> set[str]:
    response = client.get(path)
    if response.status_code != 200 or response.context.get("action_form") is None:
        return set()
    return {value for value, _ in response.context["action_form"].fields["action"].choices}


def test_the_migration_made_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_every_migrate_brings_the_roles_up_to_date():
    from django.core.management.sql import emit_post_migrate_signal

    manager = Group.objects.get(name="Manager")
    manager.permissions.clear()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert manager.permissions.filter(codename="resubmit_task").exists()


def test_only_managers_may_queue_a_finished_task_again():
    holders = Group.objects.filter(permissions__codename="resubmit_task")
    assert list(holders.values_list("name", flat=True)) == ["Manager"]


def test_sync_roles_is_idempotent():
    before = {g.name: set(g.permissions.all()) for g in Group.objects.all()}
    sync_roles()
    assert before == {g.name: set(g.permissions.all()) for g in Group.objects.all()}


@pytest.mark.parametrize("role", ["Viewer", "Dispatcher", "Manager"])
@pytest.mark.parametrize("page", list(PAGES))
def test_each_role_is_allowed_and_refused_the_right_pages(client, role, page):
    status = staff(client, role).get(PAGES[page]).status_code
    assert status == (200 if page in ALLOWED[role] else 403), (role, page, status)


@pytest.mark.parametrize("role", ["Viewer", "Dispatcher", "Manager"])
def test_each_role_is_offered_only_its_actions(client, role):
    staff(client, role)
    for path, actions in ACTIONS.items():
        offered = offered_actions(client, path) & actions
        assert offered == (actions if path in OFFERED[role] else set()), (role, path)


def test_a_viewer_cannot_run_an_action_by_posting_it(client):
    from messaging.models import CommunicationPreference

    preference = CommunicationPreference.objects.create(phone="+14155550123")
    staff(client, "Viewer").post("/admin/messaging/communicationpreference/", {
        "action": "opt_out_selected", "_selected_action": [preference.pk], "apply": "1",
        "reason": "asked on the phone"})
    preference.refresh_from_db()
    assert not preference.sms_opted_out


def test_staff_without_a_role_see_nothing(client):
    staff(client, None)
    assert client.get("/admin/servicetitan/estimate/").status_code == 403
    assert client.get("/admin/").context["app_list"] == []
