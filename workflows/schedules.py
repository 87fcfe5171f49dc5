"""django-q2 schedules of the workflow engine (installed by ``manage.py install_schedules``)."""

from config.schedules import ScheduleSpec

SCHEDULES = [
    # The worker runs ~55 s of every minute: LISTEN/NOTIFY makes it react within
    # milliseconds; the schedule only makes sure one is always running.
    ScheduleSpec(name="workflows-worker", func="workflows.tasks.run_worker", minutes=1),
]
