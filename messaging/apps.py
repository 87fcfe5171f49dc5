from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "SMS messaging"

    def ready(self) -> None:
        # The send_sms workflow step and the readiness check register themselves on import.
        from messaging import checks, selectors, steps  # noqa: F401
        from workflows.audiences import fields

        # Campaigns leave out customers who may not be texted (audience exclusions).
        fields.register_virtual("customer", "sms_opted_out", "a phone number of the customer "
                                "opted out of texts, or is marked do not text",
                                selectors.sms_opted_out)
