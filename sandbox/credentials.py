"""The fixed credentials the sandbox accepts, and that ``config.vendors`` points an unconfigured
vendor at in development and tests.

They are not secrets (the sandbox only listens on loopback), but a webhook signed with them
must never be accepted by a real deployment: they live here, in the package that is not
installed in production (pyproject excludes ``sandbox*`` from the wheel, the Docker image does
not copy it), and ``config.vendors`` imports them only when it falls back to the sandbox,
which production settings never do.
"""

SANDBOX_ST_TENANT_ID = 1000001
SANDBOX_ST_CLIENT_ID = "sandbox-st-client"
SANDBOX_ST_CLIENT_SECRET = "sandbox-st-secret"
SANDBOX_ST_APP_KEY = "sandbox-st-app-key"
SANDBOX_GHL_TOKEN = "sandbox-ghl-token"
SANDBOX_GHL_LOCATION_ID = "sbxLocation00000000001"
SANDBOX_GHL_PIPELINE_ID = "sbxPipelineSales000001"
SANDBOX_TWILIO_ACCOUNT_SID = "AC" + "5a" * 16
SANDBOX_TWILIO_AUTH_TOKEN = "sandbox-twilio-auth-token"
SANDBOX_TWILIO_FROM_NUMBER = "+15005550006"
