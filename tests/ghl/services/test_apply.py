"""Webhook events converge: any number of them, in any order, leave GHL's latest state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ghl.models import EstimateOpportunity, GHLContact, GHLOpportunity
from ghl.services.apply import apply_event
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db
OPPORTUNITY = {"id": "oWebhook000000000001", "name": "Dana – Heat pump #1", "status": "open",
               "contactId": "c1", "pipelineId": "p1", "pipelineStageId": "s1",
               "monetaryValue": 9630, "assignedTo": "u1", "source": "servicetitan",
               "dateAdded": "2026-05-01T12:00:00.000Z"}


def event(event_type: str, moment, **changes) -> dict:
    return {"type": event_type, "locationId": "sbxLocation00000000001", **OPPORTUNITY,
            **changes, "timestamp": moment.isoformat(), "webhookId": f"w-{moment}"}


def test_several_events_for_one_change_leave_one_state_and_one_announcement():
    now = timezone.now()
    apply_event(event("OpportunityCreate", now), now)
    won = now + timedelta(seconds=5)
    statuses = [apply_event(event(t, won + timedelta(milliseconds=i), status="won"),
                            won + timedelta(milliseconds=i))
                for i, t in enumerate(("OpportunityUpdate", "OpportunityStatusUpdate"))]
    assert statuses == ["applied", "unchanged"]
    assert GHLOpportunity.objects.get().status == "won"
    changes = [e.payload["change"] for e in WorkflowEvent.objects.order_by("id")]
    assert changes == ["created", "updated"]


def test_an_older_event_arriving_late_changes_nothing():
    now = timezone.now()
    apply_event(event("OpportunityStatusUpdate", now, status="won"), now)
    late = now - timedelta(seconds=30)
    assert apply_event(event("OpportunityStatusUpdate", late, status="open"), late) == \
        "unchanged"
    assert GHLOpportunity.objects.get().status == "won"


def test_an_event_keeps_the_columns_it_does_not_carry():
    GHLContact.objects.create(id="c1", name="Dana", type="customer", st_customer_id=77,
                              synced_at=timezone.now())
    now = timezone.now()
    apply_event({"type": "ContactUpdate", "id": "c1", "name": "Dana W.",
                 "timestamp": now.isoformat(), "webhookId": "w"}, now)
    contact = GHLContact.objects.get()
    assert (contact.name, contact.type, contact.st_customer_id) == ("Dana W.", "customer", 77)


def test_a_deleted_record_stays_deleted_when_an_older_create_arrives_late():
    now = timezone.now()
    apply_event(event("OpportunityDelete", now), now)
    earlier = now - timedelta(seconds=2)
    apply_event(event("OpportunityCreate", earlier), earlier)
    assert GHLOpportunity.objects.get().deleted


def test_deleting_a_known_record_marks_it_and_announces_it():
    now = timezone.now()
    apply_event(event("OpportunityCreate", now), now)
    later = now + timedelta(seconds=1)
    assert apply_event(event("OpportunityDelete", later), later) == "applied"
    assert GHLOpportunity.objects.get().deleted
    assert WorkflowEvent.objects.order_by("-id").first().payload["change"] == "deleted"


def test_the_announcement_names_the_linked_estimate():
    EstimateOpportunity.objects.create(estimate_id=4242, opportunity_id=OPPORTUNITY["id"])
    now = timezone.now()
    apply_event(event("OpportunityCreate", now), now)
    assert WorkflowEvent.objects.get().payload["estimate_id"] == 4242
