"""The task queue's admin (config/admin.py): queueing a finished task again needs the Manager's
permission, and a schedule can only run a declared task with arguments it takes."""

from datetime import timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Task

from config.schedules import install_schedules
from config.taskqueue import declared_tasks, parse_call

pytestmark = pytest.mark.django_db
FAILURES = "/admin/django_q/failure/"
SCHEDULES = "/admin/django_q/schedule/"


def staff(client, role: str):
    user = get_user_model().objects.create_user(f"user-{role}", password="x" * 12,
                                                is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def failed_task(func: str = "ghl.tasks.reconcile_sms_dnd", args=()) -> Task:
    now = timezone.now()
    return Task.objects.create(id=uuid4().hex, name="ohio-ten-beer", func=func, args=args,
                               kwargs={}, started=now, stopped=now, success=False,
                               result="Traceback: boom")


def post_action(client, action: str, task: Task):
    return client.post(FAILURES, {"action": action, "_selected_action": [task.pk]})


@pytest.mark.parametrize("role", ["Viewer", "Dispatcher"])
@pytest.mark.parametrize("action", ["resubmit_task", "queue_again"])
def test_only_a_manager_can_queue_a_failed_task_again(client, role, action):
    task = failed_task()
    post_action(staff(client, role), action, task)
    assert OrmQ.objects.count() == 0 and Task.objects.filter(pk=task.pk).exists()


def test_a_manager_queues_a_failed_task_again_and_it_leaves_the_failures(client):
    task = failed_task()
    response = post_action(staff(client, "Manager"), "queue_again", task)
    assert response.status_code == 302
    assert [q.func() for q in OrmQ.objects.all()] == ["ghl.tasks.reconcile_sms_dnd"]
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_task_whose_function_is_not_declared_is_never_queued_again(client, admin_user):
    task = failed_task(func="os.system", args=("touch /tmp/owned",))
    client.force_login(admin_user)
    response = client.post(FAILURES, {"action": "queue_again", "_selected_action": [task.pk]},
                           follow=True)
    assert "&#x27;os.system&#x27; is not a declared task" in response.content.decode()
    assert OrmQ.objects.count() == 0


def test_a_task_page_masks_phone_numbers_in_its_arguments(client):
    task = failed_task(func="ghl.tasks.mirror_sms_preference", args=("+14155550123", True))
    page = staff(client, "Viewer").get(f"{FAILURES}{task.pk}/change/").content.decode()
    assert "+14155550123" not in page and "0123" in page


def schedule_form(func: str, args: str = "", kwargs: str = "", **extra) -> dict:
    next_run = timezone.now() + timedelta(hours=1)
    return {"name": "by hand", "func": func, "args": args, "kwargs": kwargs,
            "schedule_type": Schedule.MINUTES, "minutes": 5, "repeats": -1,
            "next_run_0": next_run.strftime("%Y-%m-%d"),
            "next_run_1": next_run.strftime("%H:%M:%S"), **extra}


def test_a_viewer_and_a_dispatcher_cannot_add_a_schedule(client):
    for role in ("Viewer", "Dispatcher"):
        response = staff(client, role).post(
            f"{SCHEDULES}add/", schedule_form("workflows.tasks.tick"))
        assert response.status_code == 403
    assert not Schedule.objects.exists()


@pytest.mark.parametrize("func", ["os.system", "subprocess.run", "config.tasks.beat"])
def test_a_manager_cannot_schedule_a_function_that_is_not_a_declared_task(client, func):
    response = staff(client, "Manager").post(f"{SCHEDULES}add/",
                                             schedule_form(func, args="'id'"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Schedule.objects.exists()


def test_a_manager_schedules_a_declared_task_with_arguments_it_takes(client):
    response = staff(client, "Manager").post(
        f"{SCHEDULES}add/", schedule_form("servicetitan.tasks.sync_now", args="['estimates']"))
    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert (schedule.func, schedule.args, schedule.kwargs) == (
        "servicetitan.tasks.sync_now", "(['estimates'],)", None)


@pytest.mark.parametrize(("args", "kwargs", "error"), [
    ("", "", "missing a required argument: &#x27;resources&#x27;"),
    ("'estimates'", "", "resources=&#x27;estimates&#x27; is not a list[str]"),
    ("['estimates']", "colour='red'", "unexpected keyword argument &#x27;colour&#x27;"),
    ("", "q_options={'hook': 'os.system'}", "is an option of the task queue"),
    ("", "hook='os.system', resources=['jobs']", "is an option of the task queue"),
    ("__import__('os')", "", "must be Python literals"),
    ("", "resources=open('/etc/passwd')", "must be name=value pairs of Python literals"),
])
def test_a_schedule_with_arguments_the_task_does_not_take_is_refused(client, args, kwargs,
                                                                     error):
    response = staff(client, "Manager").post(
        f"{SCHEDULES}add/", schedule_form("servicetitan.tasks.sync_now", args, kwargs))
    assert response.status_code == 200 and error in response.content.decode()
    assert not Schedule.objects.exists()


def test_an_installed_schedule_saved_unchanged_in_the_admin_stays_the_same(client):
    install_schedules()
    staff(client, "Manager")
    before = list(Schedule.objects.order_by("pk").values())
    for schedule in Schedule.objects.all():
        shown = timezone.localtime(schedule.next_run, ZoneInfo(settings.BUSINESS_TIME_ZONE))
        response = client.post(f"{SCHEDULES}{schedule.pk}/change/", {  # as the form shows it
            **schedule_form(schedule.func, schedule.args or "", schedule.kwargs or ""),
            "name": schedule.name, "minutes": schedule.minutes,
            "next_run_0": shown.strftime("%Y-%m-%d"),
            "next_run_1": shown.strftime("%H:%M:%S.%f")})
        assert response.status_code == 302, schedule.name
    assert list(Schedule.objects.order_by("pk").values()) == before
    assert install_schedules()["updated"] == []


def test_every_declared_schedule_runs_a_declared_task():
    from config.schedules import declared_schedules

    assert {spec.func for spec in declared_schedules()} <= set(declared_tasks())


def test_install_schedules_refuses_a_function_that_is_not_a_declared_task():
    from config.schedules import ScheduleSpec

    with pytest.raises(ValidationError, match="is not a declared task"):
        install_schedules([ScheduleSpec("bad", "os.system", minutes=1)])
    assert not Schedule.objects.exists()


def test_keyword_arguments_read_in_both_of_the_schedulers_syntaxes():
    dict_syntax = parse_call("servicetitan.tasks.sync_now", "", "{'resources': ['jobs']}")
    call_syntax = parse_call("servicetitan.tasks.sync_now", "", "resources=['jobs']")
    assert dict_syntax == call_syntax == ((), {"resources": ["jobs"]})



def test_the_schedule_page_shows_its_next_run_in_the_business_time_zone(client, settings):
    settings.BUSINESS_TIME_ZONE = "America/New_York"
    install_schedules()
    staff(client, "Manager")
    schedule = Schedule.objects.order_by("pk").first()
    page = client.get(f"{SCHEDULES}{schedule.pk}/change/").content.decode()
    shown = timezone.localtime(schedule.next_run, ZoneInfo("America/New_York"))
    assert f'value="{shown:%H:%M:%S}' in page
