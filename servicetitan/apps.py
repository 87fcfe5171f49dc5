from django.apps import AppConfig


class ServiceTitanConfig(AppConfig):
    name = "servicetitan"
    verbose_name = "ServiceTitan mirror"

    def ready(self) -> None:
        from servicetitan import health  # noqa: F401  (registers the readiness check)
