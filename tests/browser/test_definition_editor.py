"""A Manager builds an estimate follow-up in the form editor, without writing JSON; the errors
of a bad step show beside the control that caused them; a Viewer sees the form read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.workflows.factories import CustomerFactory, EstimateFactory, emit
from workflows.models import WorkflowDefinition
from workflows.services import definition_save

pytestmark = pytest.mark.browser

BODY = "Hi {{ customer.first_name }}, your estimate for ${{ entity.total }} is ready."


def add_step(page: Page, label: str) -> None:
    page.locator("#de-new-step").select_option(label=label)
    page.locator("#de-add-step").click()


def step(page: Page, number: int):
    return page.locator("#definition-editor .de-step").nth(number - 1)


def test_a_manager_builds_previews_and_switches_on_a_follow_up_without_json(page: Page,
                                                                            log_in):
    estimate = EstimateFactory(customer_id=CustomerFactory(name="Dana Whitfield").id,
                               total=Decimal("1250.00"))
    emit(estimate, "estimate.created")
    log_in("Manager")
    page.goto("/admin/workflows/workflowdefinition/add/")

    page.get_by_label("Name").fill("Big estimate follow-up")
    page.locator("#de-trigger").select_option("event:estimate.created")
    page.get_by_role("button", name="+ add a condition").click()
    page.get_by_label("field").fill("total")
    page.get_by_label("operator").select_option(">=")
    page.locator(".de-value").fill("1000")

    add_step(page, "Wait")
    step(page, 1).get_by_label("wait for").fill("2d")
    add_step(page, "Send a text")
    step(page, 2).get_by_label("text *").fill(BODY)
    preview = step(page, 2).locator(".de-preview")
    expect(preview).to_contain_text("Hi Dana, your estimate for $1250.00 is ready.")
    expect(preview).to_contain_text("1 segment(s)")
    expect(preview).to_contain_text(f"estimate {estimate.pk}")

    page.get_by_role("button", name="+ add a cancel rule").click()
    cancel = page.locator(".de-cancel")
    cancel.locator("[data-path='cancel_on[0].event']").select_option("estimate.status_changed")
    cancel.get_by_role("button", name="+ add a condition").click()
    cancel.get_by_label("field").fill("status")
    cancel.get_by_label("operator").select_option("in")
    cancel.locator(".de-value").fill("Sold, Dismissed")
    page.get_by_label("Active").check()
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_text("Preview: entities matched in the last 7 days")).to_be_visible()
    expect(page.get_by_text("1 instance(s) would have started from 1 matching")).to_be_visible()
    saved = WorkflowDefinition.objects.get(name="Big estimate follow-up")
    assert saved.active and saved.trigger_event == "estimate.created"
    assert saved.trigger_conditions == {"all": [{"field": "total", "op": ">=", "value": 1000}]}
    assert saved.steps == [
        {"id": "wait_1", "type": "wait", "duration": "2d"},
        {"id": "send_sms_2", "type": "send_sms", "purpose": "marketing", "body": BODY}]
    assert saved.cancel_on == [{"event": "estimate.status_changed", "conditions": {
        "all": [{"field": "status", "op": "in", "value": ["Sold", "Dismissed"]}]}}]
    # The saved definition opens in the form again, as it was built.
    expect(step(page, 2).locator("textarea")).to_have_value(BODY)
    expect(page.locator("#de-trigger")).to_have_value("event:estimate.created")


def test_a_bad_value_is_refused_beside_the_control_that_holds_it(page: Page, log_in):
    log_in("Manager")
    page.goto("/admin/workflows/workflowdefinition/add/")
    page.get_by_label("Name").fill("Reminder")
    page.locator("#de-trigger").select_option("event:job.completed")
    add_step(page, "Wait")
    step(page, 1).get_by_label("wait for").fill("2 days")
    page.get_by_role("button", name="Save", exact=True).click()

    error = step(page, 1).locator(".de-error")
    expect(error).to_contain_text("step 'wait_1'.duration: '2 days' is not a duration")
    # It sits right after the duration box, not at the top of the page.
    expect(step(page, 1).locator("input[data-path=\"step 'wait_1'.duration\"] + ul.de-error")
           ).to_have_count(1)
    assert not WorkflowDefinition.objects.filter(name="Reminder").exists()


def test_a_viewer_sees_the_definition_as_a_form_without_change_buttons(page: Page, log_in):
    definition = definition_save(data={
        "name": "Follow-up", "trigger_event": "estimate.created",
        "steps": [{"id": "text", "type": "send_sms", "purpose": "marketing", "body": BODY}]},
        actor="test")
    log_in("Viewer")
    page.goto(f"/admin/workflows/workflowdefinition/{definition.pk}/change/")

    expect(step(page, 1).locator("textarea").first).to_have_value(BODY)
    expect(step(page, 1).locator("textarea").first).to_be_disabled()
    expect(page.locator("#de-add-step")).to_have_count(0)
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="remove")).to_have_count(0)
    page.goto("/admin/workflows/workflowdefinition/")
    expect(page.get_by_role("link", name="Add workflow definition")).to_have_count(0)
    expect(page.get_by_role("button", name="Import from n8n")).to_have_count(0)
