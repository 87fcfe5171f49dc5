"""A Manager builds an estimate follow-up in the form editor, without writing JSON; the errors
of a bad step show beside the control that caused them; a Viewer sees the form read-only."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.workflows.factories import CustomerFactory, EstimateFactory, emit
from workflows.models import WorkflowDefinition
from workflows.services import definition_save

pytestmark = pytest.mark.browser
PREBUILT = importlib.import_module("workflows.migrations.0008_prebuilt_campaigns")

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


RICH = {
    "name": "Every step type", "trigger_event": "estimate.status_changed",
    "trigger_conditions": {"any": [{"field": "new_status", "op": "in", "value": ["Open"]},
                                   {"field": "customer.do_not_mail", "op": "==",
                                    "value": False}]},
    "steps": [
        {"id": "hello", "type": "send_sms", "purpose": "transactional", "body": "Hi"},
        {"id": "reply", "type": "wait_for_event", "event": "sms.received",
         "correlation": {"phone": "{{ steps.hello.phone }}"}, "timeout": "3d",
         "timeout_goto": "tell"},
        {"id": "yes", "type": "condition",
         "rule": {"field": "steps.reply.event.body", "op": "contains", "value": "YES"},
         "then": "hook", "else": "tell"},
        {"id": "hook", "type": "http_request", "method": "PUT",
         "url": "https://hooks.example.com/{{ entity.id }}", "headers": {"X-Source": "pc"},
         "body": {"total": "{{ entity.total }}", "n": 2}, "timeout": 5},
        {"id": "tell", "type": "notify_staff", "groups": ["Manager"], "subject": "Estimate",
         "body": "{{ entity.id }}", "max_attempts": 3},
        {"id": "note", "type": "set", "values": {"seen": "yes"}},
        {"id": "later", "type": "wait", "until": "next_business_day", "at": "10:00"},
        {"id": "done", "type": "end"},
    ],
    "cancel_on": [{"event": "estimate.status_changed", "scope": "customer",
                   "conditions": {"not": {"field": "status", "op": "==", "value": "Open"}}}],
}


@pytest.mark.parametrize("definition", [RICH], ids=["every step type"])
def test_saving_a_definition_unchanged_in_the_form_changes_nothing(page: Page, log_in,
                                                                   definition):
    saved = definition_save(data=definition, actor="test")
    before = saved.content()
    log_in("Manager")
    page.goto(f"/admin/workflows/workflowdefinition/{saved.pk}/change/")
    expect(page.locator("#definition-editor .de-step")).to_have_count(len(definition["steps"]))
    # The cancel rule's "not" is more than rows can show: it stays editable as JSON in place.
    expect(page.locator(".de-cancel .de-json")).to_be_visible()
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved.refresh_from_db()
    assert saved.content() == before
    assert saved.version == 1


def test_every_prebuilt_campaign_opens_in_the_form_and_saves_unchanged(page: Page, log_in):
    for data in PREBUILT.definitions():   # an earlier transactional test may have flushed them
        if not WorkflowDefinition.objects.filter(name=data["name"]).exists():
            definition_save(data=data, actor="test")
    campaigns = list(WorkflowDefinition.objects.filter(trigger_kind="audience"))
    assert len(campaigns) == len(PREBUILT.definitions())
    log_in("Manager")
    for campaign in campaigns:
        before = campaign.content()
        page.goto(f"/admin/workflows/workflowdefinition/{campaign.pk}/change/")
        expect(page.locator("#de-trigger")).to_have_value(
            f"audience:{campaign.audience['entity']}")
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
        campaign.refresh_from_db()
        assert campaign.content() == before, campaign.name


def test_renaming_a_step_takes_the_jumps_to_it_along(page: Page, log_in):
    saved = definition_save(data={**RICH, "name": "Rename"}, actor="test")
    log_in("Manager")
    page.goto(f"/admin/workflows/workflowdefinition/{saved.pk}/change/")
    page.locator("input[data-path='steps[4].id']").fill("tell_staff")
    page.locator("input[data-path='steps[4].id']").dispatch_event("change")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved.refresh_from_db()
    steps = {step["id"]: step for step in saved.steps}
    assert steps["yes"]["else"] == "tell_staff"
    assert steps["reply"]["timeout_goto"] == "tell_staff"
    assert "tell" not in steps and saved.version == 2


def test_a_branch_offers_what_the_steps_before_it_left(page: Page, log_in):
    saved = definition_save(data={**RICH, "name": "Branch fields"}, actor="test")
    log_in("Manager")
    page.goto(f"/admin/workflows/workflowdefinition/{saved.pk}/change/")
    field = page.locator("input[data-path=\"step 'yes'.rule.all[0].field\"]")
    offered = page.locator(f"datalist#{field.get_attribute('list')} option")
    values = [option.get_attribute("value") for option in offered.all()]
    assert values[:4] == ["steps.hello.phone", "steps.hello.status", "steps.hello.blocked",
                          "steps.reply.event.body"]
    assert "total" in values and "steps.hook.status" not in values   # hook comes after


CRM = {"id": "crm", "type": "http_request", "url": "https://crm.example.com/estimates",
       "headers": {"Authorization": "Bearer sk_live_4242", "X-Source": "perfectcatch"}}


def test_a_written_credential_is_flagged_to_a_manager_and_hidden_from_a_viewer(
        page: Page, log_in):
    definition = definition_save(data={"name": "CRM push", "trigger_event": "estimate.created",
                                       "steps": [CRM]}, actor="test")
    url = f"/admin/workflows/workflowdefinition/{definition.pk}/change/"
    log_in("Manager")
    page.goto(url)
    expect(page.locator("ul.messagelist li.warning")).to_contain_text(
        "step 'crm': header 'Authorization'")

    page.context.clear_cookies()
    log_in("Viewer")
    page.goto(url)
    expect(step(page, 1).locator("input[value='[redacted]']")).to_have_count(1)
    expect(step(page, 1).locator("input[value='perfectcatch']")).to_have_count(1)
    assert "sk_live_4242" not in page.content()
    expect(page.locator("ul.messagelist")).to_have_count(0)
