"""System checks that say, at start-up, which vendors the sandbox stands in for and which are
turned off. Both are information: production settings refuse to load with a vendor on the
sandbox (config/vendors.py), so there it can only be configured or turned off."""

from django.conf import settings
from django.core import checks


def vendor_blocks() -> dict:
    return {"ServiceTitan": settings.SERVICETITAN, "GoHighLevel": settings.GHL,
            "Twilio": settings.TWILIO}


@checks.register()
def vendors_using_sandbox(app_configs, **kwargs):
    return [
        checks.Info(
            f"{name} is not configured: using the local sandbox at {settings.SANDBOX_URL}",
            hint="Set its credentials (see README, Configuration) to talk to the real API.",
            id="perfectcatch.I001",
        )
        for name, block in vendor_blocks().items()
        if block.using_sandbox
    ]


@checks.register()
def vendors_turned_off(app_configs, **kwargs):
    return [
        checks.Info(f"{block.turned_off}: nothing calls it and its webhooks answer 404",
                    id="perfectcatch.I002")
        for block in vendor_blocks().values()
        if not block.enabled
    ]
