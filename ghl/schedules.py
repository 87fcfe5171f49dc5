"""The GHL sync every 15 minutes (webhooks bring changes in at once; the sync catches what
they missed), the SMS DND reconciliation (the opt-out hook is at-most-once), and webhook
deliveries that could not be applied in their request, retried every minute; none with GHL
turned off."""

from config.schedules import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(name="ghl-sync", func="ghl.tasks.sync_all", minutes=15, vendor="GHL"),
    ScheduleSpec(name="ghl-dnd-reconcile", func="ghl.tasks.reconcile_sms_dnd", minutes=15,
                 vendor="GHL"),
    ScheduleSpec(name="ghl-webhook-retry", func="ghl.tasks.retry_webhook_deliveries",
                 minutes=1, vendor="GHL"),
    ScheduleSpec(name="ghl-conversation-outbox", func="ghl.tasks.drain_conversation_outbox",
                 minutes=1, vendor="GHL"),
    ScheduleSpec(name="ghl-estimate-push", func="ghl.tasks.push_changed_estimates",
                 minutes=1, vendor="GHL"),
]
