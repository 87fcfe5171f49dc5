"""System checks that say, at start-up, which vendors the sandbox stands in for. In production
that is a warning: the sandbox is a development stand-in, not a service to talk to."""

from django.conf import settings
from django.core import checks


@checks.register()
def vendors_using_sandbox(app_configs, **kwargs):
    vendors = {"ServiceTitan": settings.SERVICETITAN, "GoHighLevel": settings.GHL,
               "Twilio": settings.TWILIO}
    level = checks.Warning if settings.PRODUCTION else checks.Info
    return [
        level(
            f"{name} is not configured: using the local sandbox at {settings.SANDBOX_URL}",
            hint="Set its credentials (see README, Configuration) to talk to the real API.",
            id="perfectcatch.W001" if settings.PRODUCTION else "perfectcatch.I001",
        )
        for name, block in vendors.items()
        if block.using_sandbox
    ]
