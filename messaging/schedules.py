"""Messaging's django-q2 schedules (installed by ``manage.py install_schedules``)."""

from config.schedules import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(name="messaging-send-due", func="messaging.tasks.send_due_messages",
                 minutes=1),
    ScheduleSpec(name="messaging-conversations",
                 func="messaging.tasks.attend_conversations", minutes=1),
]
