"""django-q2 schedules of the workflow engine (installed by ``manage.py install_schedules``)."""

from config.schedules import ScheduleSpec

SCHEDULES = [
    # One run listens (LISTEN/NOTIFY: it reacts within milliseconds) while the next waits
    # for the lock to take over; the schedule only makes sure one is always running.
    ScheduleSpec(name="workflows-worker", func="workflows.tasks.run_worker", minutes=1),
]
