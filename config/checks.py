"""System checks that say, at start-up, which vendors the sandbox stands in for."""

from django.conf import settings
from django.core import checks


@checks.register()
def vendors_using_sandbox(app_configs, **kwargs):
    vendors = {"ServiceTitan": settings.SERVICETITAN, "GoHighLevel": settings.GHL,
               "Twilio": settings.TWILIO}
    return [
        checks.Info(
            f"{name} is not configured: using the local sandbox at {settings.SANDBOX_URL}",
            hint="Set its credentials (see README, Configuration) to talk to the real API.",
            id="perfectcatch.I001",
        )
        for name, block in vendors.items()
        if block.using_sandbox
    ]
