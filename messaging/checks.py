"""Readiness check for texting: in production Twilio must sign an https public URL, or every
webhook would be refused (the signature covers the scheme). Nothing to check with Twilio
turned off."""

from __future__ import annotations

from django.conf import settings

from config.health import CheckResult, readiness_check


@readiness_check
def twilio_webhooks() -> CheckResult:
    if not settings.TWILIO.enabled:
        return CheckResult("twilio_webhooks", True, settings.TWILIO.turned_off)
    base = settings.PUBLIC_BASE_URL
    if settings.PRODUCTION and not base.startswith("https://"):
        return CheckResult("twilio_webhooks", False,
                           f"PUBLIC_BASE_URL {base} is not https: Twilio webhooks would fail")
    where = "sandbox" if settings.TWILIO.using_sandbox else "Twilio"
    return CheckResult("twilio_webhooks", True, f"{where}; webhooks at {base}/webhooks/twilio/")


twilio_webhooks.needs_database = False
