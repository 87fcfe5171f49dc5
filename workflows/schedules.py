"""django-q2 schedules of the workflow engine (installed by ``manage.py install_schedules``)."""

from config.schedules import ScheduleSpec

SCHEDULES = [
    # The safety net under the listener process (workflows_run): see workflows/tasks.py.
    ScheduleSpec(name="workflows-tick", func="workflows.tasks.tick", minutes=1),
    # Audience triggers: each is evaluated once a day at its own local time (within 5 min).
    ScheduleSpec(name="workflows-audiences", func="workflows.tasks.evaluate_audiences",
                 minutes=5),
]
