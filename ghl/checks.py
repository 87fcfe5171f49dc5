"""System checks for a real GHL configuration: the webhook key must be readable (a bad one
would refuse every current webhook), and pushing needs a pipeline; and for the webhook
settings, whatever the configuration."""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from django.conf import settings
from django.core import checks

from ghl.signatures import load_ed25519


@checks.register()
def ghl_configuration(app_configs, **kwargs) -> list[checks.CheckMessage]:
    config = settings.GHL
    if not config.configured:  # the sandbox's own keys, or GHL turned off
        return []
    found: list[checks.CheckMessage] = []
    if not config.webhook_public_key:
        found.append(checks.Warning(
            "GHL_WEBHOOK_PUBLIC_KEY is not set: webhooks signed with x-ghl-signature "
            "(Ed25519) will be refused", hint="Copy GHL's published Ed25519 public key into "
            "it (PEM, or base64).", id="ghl.W001"))
    else:
        try:
            load_ed25519(config.webhook_public_key)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            found.append(checks.Error(f"GHL_WEBHOOK_PUBLIC_KEY cannot be read: {exc}",
                                      id="ghl.E001"))
    if not config.pipeline_id:
        found.append(checks.Warning("GHL_PIPELINE_ID is not set: estimates cannot be pushed",
                                    id="ghl.W002"))
    return found


# Each setting's allowed range (they size a smallint column and a retry loop).
WEBHOOK_LIMITS = {"GHL_WEBHOOK_MAX_ATTEMPTS": (1, 100), "GHL_WEBHOOK_REFUSED_SAMPLE": (1, 10_000)}


@checks.register()
def ghl_webhook_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    return [checks.Error(f"{name} must be between {low} and {high}", id="ghl.E002")
            for name, (low, high) in WEBHOOK_LIMITS.items()
            if not low <= getattr(settings, name) <= high]
