"""The incremental ServiceTitan sync, every ``ST_SYNC_INTERVAL_MINUTES`` (default 5); not
with ServiceTitan turned off."""

from config.schedules import ScheduleSpec
from servicetitan.conf import setting

SCHEDULES = [
    ScheduleSpec("servicetitan-sync", "servicetitan.tasks.sync_incremental",
                 minutes=int(setting("ST_SYNC_INTERVAL_MINUTES")), vendor="SERVICETITAN"),
]
