from django.apps import AppConfig
from django.conf import settings


class GHLConfig(AppConfig):
    name = "ghl"
    verbose_name = "GoHighLevel"

    def ready(self) -> None:
        # The ghl_push_estimate and ghl_update_opportunity workflow steps register on import.
        from ghl import checks, health, steps  # noqa: F401
        from ghl.services import apply, dnd
        from ghl.services.outbox import nudge_outbox
        from messaging.hooks import on_preference_change, on_texts_changed
        from workflows import entities

        # The workflow events the GHL webhooks write (what the definition editor offers).
        entities.register_events({
            "ghl.opportunity.updated": ("ghl_opportunity", "a GHL opportunity changes in GHL"),
            "ghl.contact.updated": ("ghl_contact", "a GHL contact changes in GHL")})

        # SMS DND both ways: GHL webhooks opt phones out here; opt-outs here reach GHL (not
        # with GHL turned off: each would queue a task bound to fail).
        if dnd.mirror_from_ghl not in apply.CONTACT_LISTENERS:
            apply.CONTACT_LISTENERS.append(dnd.mirror_from_ghl)
        if settings.GHL.enabled:
            on_preference_change(dnd.on_preference_change)
            # Texts in and out, and their statuses, into the GHL conversation: the outbox
            # task reads them from sms_messages; this only makes it run soon.
            on_texts_changed(nudge_outbox)
