"""The GHL sync against the sandbox over real HTTP: paging, bookkeeping, incremental runs."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils import timezone

from config.locks import named_lock
from ghl.models import (
    GHLContact,
    GHLOpportunity,
    GHLPipeline,
    GHLPipelineStage,
    GHLUser,
    SyncLog,
    SyncState,
)
from ghl.services import feeds
from ghl.services.sync import sync
from tests.ghl.conftest import api_requests
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db
FUTURE = "2099-01-01T00:00:00.000Z"


def test_a_first_sync_mirrors_every_pipeline_user_contact_and_opportunity(ghl, ghl_client):
    logs = sync(client=ghl_client)
    assert [(log.resource, log.status) for log in logs] == [
        ("pipelines", "success"), ("users", "success"), ("contacts", "success"),
        ("opportunities", "success")]
    assert GHLContact.objects.count() == len(ghl.state.contacts)
    assert GHLOpportunity.objects.count() == len(ghl.state.opportunities)
    assert GHLPipeline.objects.count() == len(ghl.state.pipelines)
    assert GHLPipelineStage.objects.count() == sum(len(p["stages"]) for p in ghl.state.pipelines)
    assert GHLUser.objects.count() == len(ghl.state.users)


def test_the_mirror_holds_typed_columns_and_the_record_as_received(ghl, ghl_client):
    sync(["opportunities"], client=ghl_client)
    record = next(iter(ghl.state.opportunities.values()))
    row = GHLOpportunity.objects.get(id=record["id"])
    assert (row.status, row.pipeline_stage_id, row.contact_id) == (
        record["status"], record["pipelineStageId"], record["contactId"])
    assert float(row.monetary_value) == pytest.approx(record["monetaryValue"])
    assert row.raw["name"] == record["name"] and row.as_of is not None


def test_contacts_are_paged_with_search_after(ghl, ghl_client, monkeypatch):
    monkeypatch.setattr(feeds, "CONTACT_PAGE", 100)
    [log] = sync(["contacts"], client=ghl_client)
    searches = api_requests(ghl, "POST", "/contacts/search")
    assert len(searches) == 3 and log.pages == 3
    assert "searchAfter" not in searches[0]["json"]
    assert all(len(s["json"]["searchAfter"]) == 2 for s in searches[1:])
    assert not any("page" in s["json"] for s in searches)
    assert GHLContact.objects.count() == len(ghl.state.contacts)


def test_opportunities_are_paged_with_start_after_and_never_next_page_url(ghl, ghl_client,
                                                                          monkeypatch):
    monkeypatch.setattr(feeds, "OPPORTUNITY_PAGE", 40)
    [log] = sync(["opportunities"], client=ghl_client)
    searches = api_requests(ghl, "GET", "/opportunities/search")
    assert len(searches) == 4 and log.fetched == len(ghl.state.opportunities)
    assert all({"startAfter", "startAfterId"} <= set(s["query"]) for s in searches[1:])
    assert not any("page" in s["query"] for s in searches)
    assert GHLOpportunity.objects.count() == len(ghl.state.opportunities)


def test_a_second_sync_of_unchanged_records_writes_nothing(ghl_client):
    sync(["contacts", "opportunities"], client=ghl_client)
    logs = sync(["contacts", "opportunities"], client=ghl_client, full=True)
    assert [log.written for log in logs] == [0, 0]


def test_contacts_resume_from_the_newest_update_seen(ghl, ghl_client):
    sync(["contacts"], client=ghl_client)
    ghl.log.clear()
    sync(["contacts"], client=ghl_client)
    [search] = api_requests(ghl, "POST", "/contacts/search")
    [window] = search["json"]["filters"]
    assert window["field"] == "dateUpdated" and "gte" in window["value"]


def test_a_contact_dated_in_the_future_does_not_hide_later_changes(ghl, ghl_client):
    ahead, changed = list(ghl.state.contacts)[:2]
    ghl.state.contacts[ahead]["dateUpdated"] = FUTURE
    sync(["contacts"], client=ghl_client)
    assert SyncState.objects.get(resource="contacts").watermark <= timezone.now()
    ghl.update_contact(changed, notify=False, firstName="Renamed")

    sync(["contacts"], client=ghl_client)

    assert GHLContact.objects.get(id=changed).first_name == "Renamed"


def test_a_watermark_saved_in_the_future_is_not_trusted(ghl, ghl_client):
    sync(["contacts"], client=ghl_client)
    SyncState.objects.filter(resource="contacts").update(
        watermark=datetime(2099, 1, 1, tzinfo=UTC))
    changed = next(iter(ghl.state.contacts))
    ghl.update_contact(changed, notify=False, firstName="Renamed")

    sync(["contacts"], client=ghl_client)

    assert GHLContact.objects.get(id=changed).first_name == "Renamed"
    assert SyncState.objects.get(resource="contacts").watermark <= timezone.now()


def test_a_full_sync_reads_contacts_from_the_beginning(ghl, ghl_client):
    sync(["contacts"], client=ghl_client)
    ghl.log.clear()
    sync(["contacts"], client=ghl_client, full=True)
    assert all("filters" not in s["json"] for s in api_requests(ghl, "POST", "/contacts"))


def test_a_change_made_in_ghl_is_picked_up_and_announced(ghl, ghl_client):
    sync(["opportunities"], client=ghl_client)
    opportunity_id = next(iter(ghl.state.opportunities))
    ghl.update_opportunity(opportunity_id, notify=False, status="abandoned")
    [log] = sync(["opportunities"], client=ghl_client)
    assert log.written == 1
    assert GHLOpportunity.objects.get(id=opportunity_id).status == "abandoned"
    [event] = WorkflowEvent.objects.filter(event_type="ghl.opportunity.updated")
    assert event.entity_id == opportunity_id and event.payload["status"] == "abandoned"


def test_a_first_import_announces_nothing(ghl_client):
    sync(client=ghl_client)
    assert not WorkflowEvent.objects.filter(event_type__startswith="ghl.").exists()


def test_a_failing_resource_is_logged_and_the_others_still_run(sandbox, ghl_client):
    sandbox.app.faults.add(vendor="ghl", path_contains="/contacts/search", status=400,
                           times=None, body={"statusCode": 400, "message": "broken search"})
    logs = {log.resource: log for log in sync(client=ghl_client)}
    assert logs["contacts"].status == "failed" and "broken search" in logs["contacts"].error
    assert logs["opportunities"].status == "success"


def test_a_resource_another_sync_is_running_is_logged_busy(ghl_client):
    held, release = threading.Event(), threading.Event()

    def other_sync() -> None:
        try:
            with named_lock("ghl_sync", "users"):
                held.set()
                release.wait()
        finally:
            connection.close()

    thread = threading.Thread(target=other_sync)
    thread.start()
    held.wait()
    try:
        [log] = sync(["users"], client=ghl_client)
    finally:
        release.set()
        thread.join()
    assert log.status == SyncLog.Status.BUSY


def test_an_unknown_resource_is_refused_by_name(ghl_client):
    with pytest.raises(KeyError, match="estimates"):
        sync(["estimates"], client=ghl_client)


def test_a_record_without_an_id_is_skipped_not_fatal(sandbox, ghl_client):
    sandbox.app.faults.add(vendor="ghl", path_contains="/users", status=200,
                           body={"users": [{"name": "no id"}, {"id": "u1", "name": "Ana"}]})
    [log] = sync(["users"], client=ghl_client)
    assert log.status == "success"
    assert list(GHLUser.objects.values_list("id", flat=True)) == ["u1"]


def test_users_gone_from_ghl_are_marked_inactive_but_an_empty_answer_changes_nothing(
        sandbox, ghl_client):
    sync(["users"], client=ghl_client)
    sandbox.app.faults.add(vendor="ghl", path_contains="/users", status=200, body={"users": []})
    sync(["users"], client=ghl_client)
    assert not GHLUser.objects.filter(active=False).exists()
    sandbox.app.faults.add(vendor="ghl", path_contains="/users", status=200,
                           body={"users": [{"id": "u1", "name": "Ana"}]})
    sync(["users"], client=ghl_client)
    assert list(GHLUser.objects.filter(active=True).values_list("id", flat=True)) == ["u1"]
