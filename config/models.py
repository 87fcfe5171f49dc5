from django.db import models
from django_q.models import Task


class Heartbeat(models.Model):
    """The last time a django-q2 worker ran the heartbeat schedule: proof that the cluster is
    up and its scheduler and workers are turning."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()
    worker = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        db_table = "ops_heartbeats"

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class TaskRecord(Task):
    """django-q2's record of a finished task (``django_q.Task``), here only to carry the
    permission to queue a task again: resubmitting runs the task's function once more, so it
    is a Manager's decision (``config/roles.py``), not something viewing the list allows."""

    class Meta:
        proxy = True
        default_permissions = ()
        permissions = [("resubmit_task", "Can queue a finished task again")]
