"""GHL and us over real HTTP both ways: the sandbox sends its webhooks to our live server."""

import pytest
from django_q.conf import Conf

from ghl.models import GHLContact, GHLOpportunity, WebhookDelivery
from ghl.services.push import ghl_push_estimate
from messaging.models import CommunicationPreference, PreferenceChange
from messaging.services import preferences
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_ghl(live_server, ghl):
    """The GHL sandbox delivering its webhooks (both signatures) to our live server."""
    ghl.register_webhook(f"{live_server.url}/webhooks/ghl/", "both")
    return ghl


def test_one_staff_change_fires_several_webhooks_and_leaves_one_state_and_one_event(
        live_ghl, ghl_client, synced, estimate):
    result = ghl_push_estimate(estimate_id=estimate.id, client=ghl_client)
    won = next(s["id"] for s in live_ghl.state.pipelines[0]["stages"] if s["name"] == "Won")
    change = live_ghl.update_opportunity(result.opportunity_id, status="won",
                                         pipelineStageId=won)
    assert change.events == ["OpportunityUpdate", "OpportunityStatusUpdate",
                             "OpportunityStageUpdate"]
    assert [d["status"] for d in change.deliveries] == [200, 200, 200]
    row = GHLOpportunity.objects.get(id=result.opportunity_id)
    assert (row.status, row.pipeline_stage_id) == ("won", won)
    [event] = WorkflowEvent.objects.filter(event_type="ghl.opportunity.updated")
    assert event.payload["status"] == "won" and event.payload["estimate_id"] == estimate.id


def test_sms_dnd_set_by_staff_in_ghl_opts_the_phone_out_here(live_ghl, ghl_client, synced,
                                                             estimate):
    result = ghl_push_estimate(estimate_id=estimate.id, client=ghl_client)
    live_ghl.update_contact(result.contact_id, dndSettings={"SMS": {"status": "active"}})
    preference = CommunicationPreference.objects.get(phone="+14075550142")
    assert (preference.sms_opted_out, preference.opt_out_source) == (True, "ghl")


def test_our_own_changes_echoed_back_by_ghl_change_nothing(live_ghl, ghl_client, synced,
                                                           estimate, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)
    live_ghl.configure(webhooks_for_api_changes=True)
    result = ghl_push_estimate(estimate_id=estimate.id, client=ghl_client)
    preferences.opt_out(phone="+14075550142", source="keyword", actor="customer")
    assert live_ghl.wait_for_webhooks()
    contact = live_ghl.state.contacts[result.contact_id]
    assert contact["dndSettings"]["SMS"]["status"] == "active"  # our opt-out reached GHL
    assert GHLContact.objects.get(id=result.contact_id).sms_dnd is True
    assert PreferenceChange.objects.count() == 1  # GHL's echo opted nothing out again
    assert not WebhookDelivery.objects.filter(status__in=["failed", "gave_up"]).exists()
    assert WebhookDelivery.objects.filter(event_type="ContactDndUpdate").exists()
