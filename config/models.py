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


class RateBudget(models.Model):
    """A vendor request budget shared by every process (``config.budgets``, when Redis is not
    configured): a ``Rate``'s next free slot (``tat``, epoch seconds; ``window_index`` -1) or
    a ``Window``'s count (``used`` in window ``window_index`` = floor(epoch / its seconds)).
    Written only by ``config.budgets``' own statements; old windows are pruned as new ones
    start."""

    pk = models.CompositePrimaryKey("key", "window_index")
    key = models.CharField(max_length=200)
    window_index = models.BigIntegerField()
    used = models.BigIntegerField(default=0)
    tat = models.FloatField(default=0)

    class Meta:
        db_table = "rate_budgets"

    def __str__(self) -> str:
        return f"{self.key} [{self.window_index}]"
