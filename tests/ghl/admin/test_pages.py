"""Every GHL admin page answers (changelists, searches, filters, change pages)."""

import pytest
from django.utils import timezone

from ghl.models import (
    Employee,
    EstimateOpportunity,
    EstimateToPush,
    GHLContact,
    GHLOpportunity,
    GHLPipeline,
    GHLUser,
    StageMapping,
    SyncLog,
    WebhookDelivery,
)

pytestmark = pytest.mark.django_db
MODELS = [GHLContact, GHLOpportunity, GHLPipeline, GHLUser, EstimateOpportunity, EstimateToPush,
          StageMapping, Employee, SyncLog, WebhookDelivery]


def url(model, suffix: str = "") -> str:
    return f"/admin/ghl/{model._meta.model_name}/{suffix}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_changelist_and_a_search_answer(admin_client, populated, model):
    assert admin_client.get(url(model)).status_code == 200
    assert admin_client.get(url(model) + "?q=dana").status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_change_page_answers(admin_client, populated, model):
    obj = model.objects.first()
    assert admin_client.get(url(model, f"{obj.pk}/change/")).status_code == 200


@pytest.mark.parametrize("query", ["?status__exact=open", "?deleted__exact=0",
                                   "?pipeline=sbxPipelineSales000001", "?o=3", "?o=-2"])
def test_the_opportunity_list_filters_and_sorts(admin_client, populated, query):
    assert admin_client.get(url(GHLOpportunity) + query).status_code == 200


def test_the_estimates_page_answers_with_its_push_state(admin_client, populated, estimate):
    page = admin_client.get("/admin/ghl/estimatetopush/").content.decode()
    assert str(estimate.id) in page and "Linked" in page


@pytest.mark.parametrize(("query", "shown"), [("?in_ghl=linked", True), ("?in_ghl=none", False),
                                              ("?in_ghl=failed", False)])
def test_estimates_filter_by_their_push_state(admin_client, populated, estimate, query, shown):
    page = admin_client.get("/admin/ghl/estimatetopush/" + query).content.decode()
    assert (f"/estimatetopush/{estimate.id}/change/" in page) is shown


def test_an_opportunity_shows_its_stage_name_and_its_estimate(admin_client, populated,
                                                              estimate):
    page = admin_client.get(url(GHLOpportunity) + f"?q={populated.opportunity_id}")
    text = page.content.decode()
    assert "New Lead" in text and f"estimate {estimate.id}" in text


def test_the_mirror_cannot_be_edited_or_added_to(admin_client, populated):
    assert admin_client.get(url(GHLContact, "add/")).status_code == 403
    contact = GHLContact.objects.first()
    response = admin_client.post(url(GHLContact, f"{contact.pk}/change/"), {"name": "x"})
    assert response.status_code == 403


def queries_for(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def add_people(first: int, count: int) -> None:
    for n in range(first, first + count):
        user = GHLUser.objects.create(id=f"user{n:04d}", name=f"User {n}",
                                      email=f"u{n}@x.example", raw={}, synced_at=timezone.now())
        Employee.objects.create(st_kind="technician", st_id=n, name=f"Tech {n}",
                                email=f"t{n}@x.example", ghl_user=user if n % 2 else None)


def test_the_employee_mapping_page_costs_the_same_with_more_people(admin_client):
    """No query per row, although every row has its own GHL-user menu."""
    add_people(1, 5)
    few = queries_for(admin_client, url(Employee))
    add_people(100, 20)
    assert queries_for(admin_client, url(Employee)) == few
