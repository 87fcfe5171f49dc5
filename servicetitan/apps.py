from django.apps import AppConfig


class ServiceTitanConfig(AppConfig):
    name = "servicetitan"
    verbose_name = "ServiceTitan mirror"

    def ready(self) -> None:
        from servicetitan import (
            changes,
            health,  # noqa: F401  (registers the readiness check)
            resources,
            selectors,
        )
        from workflows import entities
        from workflows.audiences import fields

        # What workflows can be about: the mirrored records, and how to find their customer.
        entities.register(selectors.ENTITY_MODELS, selectors.customer_id_for)
        entities.register_events(changes.announced([r.shape for r in resources.RESOURCES]))
        fields.register_date_columns(selectors.DATE_COLUMNS)
