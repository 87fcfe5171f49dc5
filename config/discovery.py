"""Finding the apps' optional modules (``schedules``, ``metrics``, ``demo``): the way apps
contribute to project-wide lists without config importing them by name."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """``<app>.<name>`` for every installed app that has one, in INSTALLED_APPS order. An
    import error inside such a module is raised, not mistaken for its absence."""
    found = []
    for app in apps.get_app_configs():
        try:
            found.append(import_module(f"{app.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.{name}":
                raise
    return found
