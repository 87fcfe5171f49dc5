import pytest
from django.core.management import call_command
from django_q.models import Schedule

from config.schedules import PREFIX, ScheduleSpec, declared_schedules, install_schedules

pytestmark = pytest.mark.django_db

SYNC = ScheduleSpec("demo-sync", "servicetitan.tasks.sync_incremental", minutes=5)


def test_it_creates_declared_schedules_once():
    assert install_schedules([SYNC])["created"] == ["demo-sync"]
    assert install_schedules([SYNC])["unchanged"] == ["demo-sync"]
    assert Schedule.objects.filter(name=PREFIX + "demo-sync").count() == 1


def test_it_updates_a_schedule_whose_declaration_changed():
    install_schedules([SYNC])
    outcome = install_schedules([ScheduleSpec("demo-sync", SYNC.func, minutes=15)])
    assert outcome["updated"] == ["demo-sync"]
    assert Schedule.objects.get(name=PREFIX + "demo-sync").minutes == 15


def test_it_deletes_project_schedules_no_longer_declared_but_keeps_hand_made_ones():
    install_schedules([SYNC])
    Schedule.objects.create(name="made by staff", func="math.floor", schedule_type="D")
    assert install_schedules([])["deleted"] == ["demo-sync"]
    assert list(Schedule.objects.values_list("name", flat=True)) == ["made by staff"]


def test_the_command_installs_what_the_apps_declare_and_is_idempotent(capsys):
    declared = sorted(spec.full_name for spec in declared_schedules())
    call_command("install_schedules")
    capsys.readouterr()
    call_command("install_schedules")
    second_run = capsys.readouterr().out
    assert sorted(Schedule.objects.values_list("name", flat=True)) == declared
    assert "created" not in second_run and "updated" not in second_run
