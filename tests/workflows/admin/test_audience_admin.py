"""Audience definitions in the admin: the preview and run log with its chart on the page,
explaining one record, the backtest, the run log list, and the form's field-named errors."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.workflows.audiences.conftest import local
from tests.workflows.conftest import AUDIENCE
from tests.workflows.factories import CustomerFactory, JobFactory
from workflows.audiences.evaluation import evaluate_audience
from workflows.models import WorkflowDefinition

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(make_audience):
    definition = make_audience()
    CustomerFactory(name="Dana Whitfield")
    evaluate_audience(definition_id=definition.pk, now=local(2026, 5, 10, 9, 0))
    return definition


def test_the_change_page_shows_the_audience_preview_and_the_run_log_chart(admin_client,
                                                                           lapsed):
    page = admin_client.get(reverse("admin:workflows_workflowdefinition_change",
                                    args=[lapsed.pk])).content.decode()
    assert "<strong>1</strong> customer record(s) are in the audience now" in page
    assert "Audience evaluations: entered, held back by the cap, excluded" in page
    assert "2026-05-10" in page and '<figure class="pc-chart">' in page


def test_the_audience_page_explains_one_record(admin_client, lapsed):
    busy = CustomerFactory()
    JobFactory(customer_id=busy.id, completed_on=local(2026, 3, 1, 14, 0))
    url = reverse("admin:workflows_workflowdefinition_audience", args=[lapsed.pk])
    page = admin_client.get(url, {"id": busy.id}).content.decode()
    assert "not in the audience: last job 2026-03-01, less than 12 months ago" in page


def test_the_audience_page_refuses_an_id_that_is_not_one(admin_client, lapsed):
    url = reverse("admin:workflows_workflowdefinition_audience", args=[lapsed.pk])
    response = admin_client.get(url, {"id": "abc"})
    assert response.status_code == 400 and b"is not a ServiceTitan id" in response.content


def test_the_backtest_of_an_audience_counts_per_day(admin_client, lapsed):
    url = reverse("admin:workflows_workflowdefinition_backtest", args=[lapsed.pk])
    page = admin_client.get(url, {"days": "3"}).content.decode()
    assert "over the last 3 daily evaluations" in page
    assert admin_client.get(url, {"days": "400"}).status_code == 400


def test_the_run_log_lists_every_evaluation(admin_client, lapsed):
    page = admin_client.get(reverse("admin:workflows_audiencerun_changelist")).content.decode()
    assert "Lapsed customers" in page and "completed" in page


def test_the_form_names_the_audience_field_that_does_not_validate(admin_client):
    audience = {**AUDIENCE["audience"], "rule": {"field": "last_job_on", "op": "more_than_ago",
                                                 "value": "1y"}}
    data = {"name": "Lapsed", "description": "", "trigger_kind": "audience",
            "trigger_event": "", "trigger_conditions": "{}", "audience": json.dumps(audience),
            "steps": json.dumps(AUDIENCE["steps"]), "cancel_on": "[]", "reentry": "one_live"}
    response = admin_client.post(reverse("admin:workflows_workflowdefinition_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["audience"][0].startswith(
        "audience.rule.field: 'last_job_on' is not a field of customer")
    assert not WorkflowDefinition.objects.filter(name="Lapsed").exists()


def test_the_form_saves_an_audience_definition(admin_client):
    data = {"name": "Lapsed", "description": "", "trigger_kind": "audience",
            "trigger_event": "", "trigger_conditions": "{}",
            "audience": json.dumps(AUDIENCE["audience"]),
            "steps": json.dumps(AUDIENCE["steps"]), "cancel_on": "[]", "reentry": "one_live"}
    response = admin_client.post(reverse("admin:workflows_workflowdefinition_add"), data)
    assert response.status_code == 302
    saved = WorkflowDefinition.objects.get(name="Lapsed")
    assert saved.audience["at"] == "09:00" and saved.current_version.audience == saved.audience
