"""The tasks waiting in django-q2's ORM broker (the test database's ``django_q_ormq``), and
running them in this process the way a worker would (the function, its arguments)."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string
from django_q.models import OrmQ


def queued() -> list[OrmQ]:
    """The waiting tasks, oldest first."""
    return list(OrmQ.objects.order_by("id"))


def run_queued() -> dict[str, Any]:
    """Run every waiting task once, oldest first, and take it off the queue; returns each
    task's result by its name."""
    results = {}
    for item in queued():
        results[item.name()] = import_string(item.func())(*item.args(), **item.kwargs())
        item.delete()
    return results
