"""The GHL figures on /metrics."""

import pytest

from tests.ghl.conftest import post_webhook, webhook_body

pytestmark = pytest.mark.django_db


def test_webhooks_links_and_syncs_show_on_metrics(client, ghl, ghl_client, synced, estimate):
    from ghl.services.push import ghl_push_estimate

    ghl_push_estimate(estimate_id=estimate.id, client=ghl_client)
    post_webhook(client, webhook_body("ContactUpdate", {"id": "c1"}), signature="bad")
    text = client.get("/metrics").content.decode()
    assert 'perfectcatch_ghl_estimate_links{state="linked"} 1.0' in text
    assert ('perfectcatch_ghl_webhook_deliveries{status="rejected",verdict="bad_signature"} 1.0'
            in text)
    assert 'perfectcatch_ghl_last_success_timestamp_seconds{resource="users"}' in text
    assert 'perfectcatch_webhook_rejected_total{endpoint="ghl",reason="bad_signature"}' in text
