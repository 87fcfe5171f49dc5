from importlib import import_module

from django.apps import AppConfig

# The step types this app provides, one module each under workflows/steps/.
BUILTIN_STEPS = ("wait", "wait_for_event", "condition", "set", "http_request", "notify_staff",
                 "end")


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflows"

    def ready(self) -> None:
        from config import events as outbox
        from config.discovery import app_modules
        from workflows import entities, events
        from workflows.audiences import fields

        for name in BUILTIN_STEPS:
            import_module(f"workflows.steps.{name}")
        # The apps below (the ServiceTitan sync) record their events through config.events.
        outbox.register_writer(events.record_events)
        # What workflows can be about: the records an app's selectors declare
        # (``ENTITY_MODELS``, ``customer_id_for``, ``DATE_COLUMNS``), found without naming
        # the app, so that neither imports the other.
        for module in app_modules("selectors"):
            if hasattr(module, "ENTITY_MODELS"):
                entities.register(module.ENTITY_MODELS, getattr(module, "customer_id_for", None))
                fields.register_date_columns(getattr(module, "DATE_COLUMNS", {}))
            # The event types an app writes (what the definition editor offers as triggers).
            entities.register_events(getattr(module, "EVENT_TYPES", {}))
