import pytest

from ghl.services.push import ghl_push_estimate
from ghl.services.sync import sync
from tests.ghl.conftest import post_webhook, webhook_body


@pytest.fixture
def populated(ghl, ghl_client, estimate, client):
    """Everything the GHL admin shows: a full sync, a pushed estimate, webhook deliveries
    (one accepted, one refused)."""
    sync(client=ghl_client)
    result = ghl_push_estimate(estimate_id=estimate.id, client=ghl_client)
    contact = {"id": result.contact_id, "name": "Dana Whitfield"}
    post_webhook(client, webhook_body("ContactUpdate", contact))
    post_webhook(client, webhook_body("ContactUpdate", contact), signature="bad")
    return result
