"""From the ServiceTitan sandbox to the GHL sandbox through the real services: the
ServiceTitan sync fills the mirror (and announces changes), the push and the workflow engine
carry estimates into GHL."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from ghl.models import Employee, EstimateOpportunity
from ghl.services.push import ghl_push_estimate
from ghl.services.sync import sync as ghl_sync
from servicetitan import models as st
from servicetitan.sync import sync as st_sync
from tests.ghl.conftest import sandbox_opportunities
from workflows.models import InstanceStatus, WorkflowInstance

pytestmark = pytest.mark.django_db
MIRRORED = ["customers", "customer_contacts", "technicians", "employees", "estimates"]


@pytest.fixture
def mirrored(sandbox, ghl, ghl_client):
    """The ServiceTitan resources a push reads, synced from the ServiceTitan sandbox, and
    GHL's pipelines and users."""
    sandbox.vendor("servicetitan").set_options(rate_limit=None)
    assert st_sync(MIRRORED, workers=1).ok
    ghl_sync(["pipelines", "users"], client=ghl_client)
    return sandbox.vendor("servicetitan")


def test_synced_estimates_reach_ghl_with_customer_total_and_seller(ghl, mirrored):
    call_command("ghl_push_estimate", "--status", "Sold", "--limit", "8")
    links = EstimateOpportunity.objects.select_related("estimate")
    assert links.count() == 8 and {link.state for link in links} == {"linked"}
    users = {e.st_id: e.ghl_user_id for e in Employee.objects.all()}
    for link in links:
        estimate = link.estimate
        [opportunity] = sandbox_opportunities(ghl, estimate.id)
        customer = st.Customer.objects.get(id=estimate.customer_id)
        assert opportunity["monetaryValue"] == float(estimate.total or Decimal(0))
        assert opportunity["name"].startswith(customer.name)
        assert opportunity["status"] == "won"
        assert opportunity["assignedTo"] == users[estimate.sold_by_id]
    assert any(link.assigned_to for link in links)


def test_a_status_change_in_servicetitan_moves_the_opportunity_through_a_workflow(
        ghl, ghl_client, mirrored, make_workflow, drain):
    estimate = st.Estimate.objects.filter(status="Open", active=True).order_by("id").first()
    pushed = ghl_push_estimate(estimate_id=estimate.id, client=ghl_client)
    make_workflow([{"id": "push", "type": "ghl_push_estimate"}],
                  trigger="estimate.status_changed")
    mirrored.update("estimates", estimate.id, {"status": {"value": 1, "name": "Sold"}})
    assert st_sync(["estimates"], workers=1).ok  # announces estimate.status_changed
    drain()
    assert WorkflowInstance.objects.get().status == InstanceStatus.COMPLETED
    opportunity = ghl.state.opportunities[pushed.opportunity_id]
    won = next(s["id"] for s in ghl.state.pipelines[0]["stages"] if s["name"] == "Won")
    assert (opportunity["status"], opportunity["pipelineStageId"]) == ("won", won)
    assert len(sandbox_opportunities(ghl, estimate.id)) == 1
