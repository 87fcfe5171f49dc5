"""The three vendor blocks. Each vendor is in one of three states:

- **configured**: its credentials are set; the real API is called and its webhooks are checked
  against its real keys;
- **sandbox** (development and tests only): nothing is set, so it points at the local sandbox
  (``manage.py sandbox``) with the sandbox's fixed credentials (``sandbox.credentials``);
- **turned off**: ``SERVICETITAN_ENABLED``, ``GHL_ENABLED`` or ``TWILIO_ENABLED`` is false.
  Nothing calls the vendor: its client raises its usual error saying it is turned off, its
  webhooks answer 404 (``config.switches``), its schedules are not installed and its
  readiness checks pass saying so.

In production a vendor is configured or turned off: an unconfigured one stops start-up with
``ImproperlyConfigured`` naming what to set, so sandbox credentials (and the sandbox's
webhook keys) can never be accepted there. A half-configured vendor is a mistake everywhere,
never a reason to fall back silently. Secret fields never show in a block's ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from django.core.exceptions import ImproperlyConfigured

from config.env import env, secret, strict_bool


class _Vendor:
    """What the three blocks share: which state they are in, and what to say when off."""

    label: ClassVar[str]
    switch: ClassVar[str]
    configured: bool
    enabled: bool

    @property
    def using_sandbox(self) -> bool:
        return self.enabled and not self.configured

    @property
    def turned_off(self) -> str:
        """The reason every refused call and webhook gives."""
        return f"{self.label} is turned off ({self.switch}=false)"


@dataclass(frozen=True)
class ServiceTitanSettings(_Vendor):
    label: ClassVar[str] = "ServiceTitan"
    switch: ClassVar[str] = "SERVICETITAN_ENABLED"

    configured: bool
    tenant_id: int
    client_id: str
    client_secret: str = field(repr=False)
    app_key: str = field(repr=False)
    api_base_url: str
    auth_url: str
    enabled: bool = True

    @classmethod
    def off(cls) -> ServiceTitanSettings:
        return cls(configured=False, tenant_id=0, client_id="", client_secret="", app_key="",
                   api_base_url="", auth_url="", enabled=False)


@dataclass(frozen=True)
class GHLSettings(_Vendor):
    label: ClassVar[str] = "GoHighLevel"
    switch: ClassVar[str] = "GHL_ENABLED"

    configured: bool
    token: str = field(repr=False)
    location_id: str
    pipeline_id: str
    base_url: str
    webhook_public_key: str | None
    enabled: bool = True

    @classmethod
    def off(cls) -> GHLSettings:
        return cls(configured=False, token="", location_id="", pipeline_id="", base_url="",
                   webhook_public_key=None, enabled=False)


@dataclass(frozen=True)
class TwilioSettings(_Vendor):
    label: ClassVar[str] = "Twilio"
    switch: ClassVar[str] = "TWILIO_ENABLED"

    configured: bool
    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str | None
    messaging_service_sid: str | None
    api_base_url: str
    enabled: bool = True
    # While the auth token is rotated: webhooks signed with the old one are still genuine.
    previous_auth_token: str | None = field(default=None, repr=False)

    @classmethod
    def off(cls) -> TwilioSettings:
        return cls(configured=False, account_sid="", auth_token="", from_number=None,
                   messaging_service_sid=None, api_base_url="", enabled=False)


def _configured(block: type[_Vendor], values: dict[str, str | None], *, production: bool,
                also_needed: str = "") -> bool:
    """True when every value is set; False when none is (the sandbox stands in). Raises when
    only some are, and in production when none are, naming what is missing."""
    missing = [name for name, value in values.items() if not value]
    if not missing:
        return True
    if len(missing) < len(values):
        fallback = "" if production else ", or unset the others to use the sandbox"
        raise ImproperlyConfigured(
            f"{block.label} is partly configured: set {', '.join(missing)} (or the *_FILE "
            f"variants){fallback}, or {block.switch}=false to turn it off"
        )
    if production:
        needed = ", ".join([*missing, also_needed] if also_needed else missing)
        raise ImproperlyConfigured(
            f"{block.label} is not configured: set {needed} (or the *_FILE variants), or "
            f"{block.switch}=false to turn it off. The sandbox never stands in for a vendor "
            f"when DJANGO_ENV=production"
        )
    return False


def servicetitan_settings(sandbox_url: str, *, production: bool) -> ServiceTitanSettings:
    if not strict_bool(ServiceTitanSettings.switch, default=True):
        return ServiceTitanSettings.off()
    values = {
        "ST_TENANT_ID": env.str("ST_TENANT_ID", default=""),
        "ST_CLIENT_ID": secret("ST_CLIENT_ID"),
        "ST_CLIENT_SECRET": secret("ST_CLIENT_SECRET"),
        "ST_APP_KEY": secret("ST_APP_KEY"),
    }
    if not _configured(ServiceTitanSettings, values, production=production):
        from sandbox import credentials as sbx

        return ServiceTitanSettings(
            configured=False,
            tenant_id=sbx.SANDBOX_ST_TENANT_ID,
            client_id=sbx.SANDBOX_ST_CLIENT_ID,
            client_secret=sbx.SANDBOX_ST_CLIENT_SECRET,
            app_key=sbx.SANDBOX_ST_APP_KEY,
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


def ghl_settings(sandbox_url: str, *, production: bool) -> GHLSettings:
    if not strict_bool(GHLSettings.switch, default=True):
        return GHLSettings.off()
    values = {"GHL_TOKEN": secret("GHL_TOKEN"), "GHL_LOCATION_ID": env.str("GHL_LOCATION_ID", "")}
    public_key = secret("GHL_WEBHOOK_PUBLIC_KEY")
    if not _configured(GHLSettings, values, production=production):
        from sandbox import credentials as sbx

        return GHLSettings(
            configured=False,
            token=sbx.SANDBOX_GHL_TOKEN,
            location_id=sbx.SANDBOX_GHL_LOCATION_ID,
            pipeline_id=sbx.SANDBOX_GHL_PIPELINE_ID,
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


def twilio_settings(sandbox_url: str, *, production: bool) -> TwilioSettings:
    if not strict_bool(TwilioSettings.switch, default=True):
        return TwilioSettings.off()
    values = {
        "TWILIO_ACCOUNT_SID": secret("TWILIO_ACCOUNT_SID"),
        "TWILIO_AUTH_TOKEN": secret("TWILIO_AUTH_TOKEN"),
    }
    from_number = env.str("TWILIO_FROM_NUMBER", default="") or None
    service_sid = env.str("TWILIO_MESSAGING_SERVICE_SID", default="") or None
    if not _configured(TwilioSettings, values, production=production,
                       also_needed="TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"):
        from sandbox import credentials as sbx

        return TwilioSettings(
            configured=False,
            account_sid=sbx.SANDBOX_TWILIO_ACCOUNT_SID,
            auth_token=sbx.SANDBOX_TWILIO_AUTH_TOKEN,
            # Sender ids from the environment belong to a real account: the sandbox has its own.
            from_number=sbx.SANDBOX_TWILIO_FROM_NUMBER,
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
        previous_auth_token=secret("TWILIO_AUTH_TOKEN_PREVIOUS"),
    )
