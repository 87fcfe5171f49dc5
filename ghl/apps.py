from django.apps import AppConfig


class GHLConfig(AppConfig):
    name = "ghl"
    verbose_name = "GoHighLevel"

    def ready(self) -> None:
        # The ghl_push_estimate and ghl_update_opportunity workflow steps register on import.
        from ghl import steps  # noqa: F401
