from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "SMS messaging"

    def ready(self) -> None:
        # The send_sms workflow step and the readiness check register themselves on import.
        from messaging import checks, steps  # noqa: F401
