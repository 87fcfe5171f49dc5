from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Operations"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers the system checks)
        from config.roles import sync_roles_after_migrate

        # After every app's migrations (and its permissions), so later models reach the roles.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="perfectcatch-roles")
