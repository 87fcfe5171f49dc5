"""django-q2 schedules of the workflow engine (installed by ``manage.py install_schedules``)."""

from config.schedules import ScheduleSpec

SCHEDULES = [
    # The safety net under the listener process (workflows_run): see workflows/tasks.py.
    ScheduleSpec(name="workflows-tick", func="workflows.tasks.tick", minutes=1),
]
