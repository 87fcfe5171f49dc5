from django.db import models


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
