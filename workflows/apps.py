from importlib import import_module

from django.apps import AppConfig

# The step types this app provides, one module each under workflows/steps/.
BUILTIN_STEPS = ("wait", "wait_for_event", "condition", "set", "http_request", "notify_staff",
                 "end")


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflows"

    def ready(self) -> None:
        for name in BUILTIN_STEPS:
            import_module(f"workflows.steps.{name}")
