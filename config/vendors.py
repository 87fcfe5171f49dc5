"""The three vendor blocks. Each knows whether it is configured; when it is not, it points at
the local sandbox (``manage.py sandbox``) with the sandbox's fixed credentials.

A half-configured vendor is a mistake, not a reason to fall back silently: it raises
``ImproperlyConfigured`` naming what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from config.env import env, secret

# Credentials the sandbox accepts. They are not secrets: the sandbox only listens on loopback.
SANDBOX_ST_TENANT_ID = 1000001
SANDBOX_ST_CLIENT_ID = "sandbox-st-client"
SANDBOX_ST_CLIENT_SECRET = "sandbox-st-secret"  # noqa: S105
SANDBOX_ST_APP_KEY = "sandbox-st-app-key"
SANDBOX_GHL_TOKEN = "sandbox-ghl-token"  # noqa: S105
SANDBOX_GHL_LOCATION_ID = "sbxLocation00000000001"
SANDBOX_GHL_PIPELINE_ID = "sbxPipelineSales000001"
SANDBOX_TWILIO_ACCOUNT_SID = "AC" + "5a" * 16
SANDBOX_TWILIO_AUTH_TOKEN = "sandbox-twilio-auth-token"  # noqa: S105
SANDBOX_TWILIO_FROM_NUMBER = "+15005550006"


def _partial(vendor: str, values: dict[str, str | None]) -> bool:
    """True when every value is set, False when none is; raises when only some are."""
    missing = [name for name, value in values.items() if not value]
    if missing and len(missing) < len(values):
        raise ImproperlyConfigured(
            f"{vendor} is partly configured: set {', '.join(missing)} (or the *_FILE variants), "
            f"or unset the others to use the sandbox"
        )
    return not missing


@dataclass(frozen=True)
class ServiceTitanSettings:
    configured: bool
    tenant_id: int
    client_id: str
    client_secret: str
    app_key: str
    api_base_url: str
    auth_url: str

    @property
    def using_sandbox(self) -> bool:
        return not self.configured


@dataclass(frozen=True)
class GHLSettings:
    configured: bool
    token: str
    location_id: str
    pipeline_id: str
    base_url: str
    webhook_public_key: str | None

    @property
    def using_sandbox(self) -> bool:
        return not self.configured


@dataclass(frozen=True)
class TwilioSettings:
    configured: bool
    account_sid: str
    auth_token: str
    from_number: str | None
    messaging_service_sid: str | None
    api_base_url: str

    @property
    def using_sandbox(self) -> bool:
        return not self.configured


def servicetitan_settings(sandbox_url: str) -> ServiceTitanSettings:
    values = {
        "ST_TENANT_ID": env.str("ST_TENANT_ID", default=""),
        "ST_CLIENT_ID": secret("ST_CLIENT_ID"),
        "ST_CLIENT_SECRET": secret("ST_CLIENT_SECRET"),
        "ST_APP_KEY": secret("ST_APP_KEY"),
    }
    if not _partial("ServiceTitan", values):
        return ServiceTitanSettings(
            configured=False,
            tenant_id=SANDBOX_ST_TENANT_ID,
            client_id=SANDBOX_ST_CLIENT_ID,
            client_secret=SANDBOX_ST_CLIENT_SECRET,
            app_key=SANDBOX_ST_APP_KEY,
            api_base_url=f"{sandbox_url}/servicetitan",
            auth_url=f"{sandbox_url}/servicetitan/connect/token",
        )
    try:
        tenant_id = int(values["ST_TENANT_ID"])
    except ValueError:
        raise ImproperlyConfigured("ST_TENANT_ID must be an integer") from None
    return ServiceTitanSettings(
        configured=True,
        tenant_id=tenant_id,
        client_id=values["ST_CLIENT_ID"],
        client_secret=values["ST_CLIENT_SECRET"],
        app_key=values["ST_APP_KEY"],
        api_base_url=env.str("ST_API_BASE_URL", default="https://api.servicetitan.io").rstrip("/"),
        auth_url=env.str("ST_AUTH_URL", default="https://auth.servicetitan.io/connect/token"),
    )


def ghl_settings(sandbox_url: str) -> GHLSettings:
    values = {"GHL_TOKEN": secret("GHL_TOKEN"), "GHL_LOCATION_ID": env.str("GHL_LOCATION_ID", "")}
    public_key = secret("GHL_WEBHOOK_PUBLIC_KEY")
    if not _partial("GoHighLevel", values):
        return GHLSettings(
            configured=False,
            token=SANDBOX_GHL_TOKEN,
            location_id=SANDBOX_GHL_LOCATION_ID,
            pipeline_id=SANDBOX_GHL_PIPELINE_ID,
            base_url=f"{sandbox_url}/ghl",
            webhook_public_key=public_key,
        )
    return GHLSettings(
        configured=True,
        token=values["GHL_TOKEN"],
        location_id=values["GHL_LOCATION_ID"],
        pipeline_id=env.str("GHL_PIPELINE_ID", default=""),
        base_url=env.str("GHL_BASE_URL", default="https://services.leadconnectorhq.com").rstrip("/"),
        webhook_public_key=public_key,
    )


def twilio_settings(sandbox_url: str) -> TwilioSettings:
    values = {
        "TWILIO_ACCOUNT_SID": secret("TWILIO_ACCOUNT_SID"),
        "TWILIO_AUTH_TOKEN": secret("TWILIO_AUTH_TOKEN"),
    }
    from_number = env.str("TWILIO_FROM_NUMBER", default="") or None
    service_sid = env.str("TWILIO_MESSAGING_SERVICE_SID", default="") or None
    if not _partial("Twilio", values):
        return TwilioSettings(
            configured=False,
            account_sid=SANDBOX_TWILIO_ACCOUNT_SID,
            auth_token=SANDBOX_TWILIO_AUTH_TOKEN,
            # Sender ids from the environment belong to a real account: the sandbox has its own.
            from_number=SANDBOX_TWILIO_FROM_NUMBER,
            messaging_service_sid=None,
            api_base_url=f"{sandbox_url}/twilio",
        )
    if not (from_number or service_sid):
        raise ImproperlyConfigured(
            "Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID to send"
        )
    return TwilioSettings(
        configured=True,
        account_sid=values["TWILIO_ACCOUNT_SID"],
        auth_token=values["TWILIO_AUTH_TOKEN"],
        from_number=from_number,
        messaging_service_sid=service_sid,
        api_base_url=env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com").rstrip("/"),
    )
