"""What office staff do in the back office, in a real browser: log in and read the front page,
ask why an estimate started nothing, opt a number out with a reason, retry a failed instance,
and, as a Viewer, find no button that changes anything."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from messaging.models import CommunicationPreference
from tests.workflows.factories import EstimateFactory, emit
from workflows.engine import Worker
from workflows.models import InstanceStatus, WorkflowInstance
from workflows.services import definition_save

pytestmark = pytest.mark.browser

FOLLOW_UP = {
    "name": "Large estimate follow-up", "trigger_event": "estimate.created", "active": True,
    "trigger_conditions": {"all": [{"field": "total", "op": ">=", "value": 1000}]},
    "steps": [{"id": "hook", "type": "http_request", "url": "http://127.0.0.1:9/hook"}],
}


def failed_instance() -> WorkflowInstance:
    """A real failure: the engine refuses the step's loopback address (not a public one)."""
    definition_save(data=FOLLOW_UP, actor="test")
    emit(EstimateFactory(total=Decimal("2400.00")), "estimate.created")
    Worker(name="browser-test", poll_interval=0.1).drain()
    instance = WorkflowInstance.objects.get()
    assert instance.status == InstanceStatus.FAILED
    return instance


def test_a_manager_logs_in_and_the_front_page_shows_status(page: Page, log_in):
    log_in("Manager")
    expect(page.locator(".pc-health .pc-chip").first).to_be_visible()
    expect(page.locator(".pc-health")).to_contain_text("database")
    for title in ("ServiceTitan mirror", "Workflows", "Texting", "GoHighLevel"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_staff_see_why_an_estimate_did_not_start_the_follow_up(page: Page, log_in):
    definition_save(data=FOLLOW_UP, actor="test")
    small = EstimateFactory(total=Decimal("400.00"))
    emit(small, "estimate.created")
    log_in("Viewer")
    page.goto("/admin/workflows/workflowevent/explain/")
    page.get_by_label("Entity type").select_option("estimate")
    page.get_by_label("Entity id").fill(str(small.pk))
    page.get_by_role("button", name="Explain").click()

    ours = page.locator(".module").filter(
        has=page.get_by_role("heading", name="Large estimate follow-up"))
    check = ours.get_by_role("row").filter(has_text="conditions.all[0]")
    expect(check).to_contain_text("total")
    expect(check).to_contain_text("1000")
    expect(check).to_contain_text("400.00")
    expect(check).to_contain_text("fail")


def test_a_dispatcher_opts_a_number_out_with_a_reason_and_sees_it_in_the_history(
        page: Page, log_in):
    log_in("Dispatcher")
    page.goto("/admin/messaging/communicationpreference/")
    page.get_by_role("link", name="Opt a number out").click()
    page.get_by_label("Phone").fill("(407) 555-0142")
    page.get_by_label("Reason").fill("Asked on the phone not to be texted")
    page.get_by_role("button", name="Opt out").click()

    expect(page.locator(".messagelist")).to_contain_text("+14075550142 opted out")
    page.get_by_role("link", name="+14075550142").click()
    history = page.locator(".inline-group")
    expect(history).to_contain_text("Asked on the phone not to be texted")
    expect(history).to_contain_text("dispatcher")
    assert CommunicationPreference.objects.get(phone="+14075550142").sms_opted_out


def test_a_manager_retries_a_failed_instance(page: Page, log_in):
    instance = failed_instance()
    log_in("Manager")
    page.goto("/admin/workflows/workflowinstance/?status__exact=failed")
    expect(page.locator("#result_list")).to_contain_text("failed")
    page.locator(f"input[name='_selected_action'][value='{instance.pk}']").check()
    page.locator("select[name='action']").select_option(label="Retry from the failed step")
    page.get_by_role("button", name="Go").click()

    expect(page.locator(".messagelist")).to_contain_text("1 instance(s) retried")
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.PENDING
    page.goto(f"/admin/workflows/workflowinstance/{instance.pk}/change/")
    expect(page.locator("#content")).to_contain_text("retried")


def test_a_viewer_sees_no_button_that_changes_anything(page: Page, log_in):
    failed_instance()
    CommunicationPreference.objects.create(phone="+14075550142")
    log_in("Viewer")
    for url in ("/admin/workflows/workflowinstance/", "/admin/workflows/workflowdefinition/",
                "/admin/messaging/communicationpreference/"):
        page.goto(url)
        actions = page.locator("select[name='action'] option").all_text_contents()
        assert set(actions) <= {"---------", "Export selected definitions as JSON",
                                "Export selected as CSV"}, (url, actions)
        tools = set(page.locator(".object-tools a").all_text_contents())
        assert not tools & {"Opt a number out", "Import opt-out list", "Import from n8n",
                            "Add workflow definition"}, (url, tools)
    page.goto("/admin/workflows/workflowinstance/")
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("#content")).to_contain_text("Large estimate follow-up")
    expect(page.locator("#content").locator("input[type=submit], button[type=submit]")
           ).to_have_count(0)
