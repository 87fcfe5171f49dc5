"""The GHL sync every 15 minutes (webhooks bring changes in at once; the sync catches what
they missed)."""

from config.schedules import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(name="ghl-sync", func="ghl.tasks.sync_all", minutes=15),
]
