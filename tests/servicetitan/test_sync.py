"""The sync against the sandbox over real HTTP, on PostgreSQL: what lands, what an
incremental run picks up, and which events announce it."""

from decimal import Decimal

import pytest
from django.utils import timezone

from servicetitan.convert import parse_time
from servicetitan.models import Customer, EstimateItem, Invoice, Job, JobType, SyncLog, SyncState
from servicetitan.resources import RESOURCES
from tests.servicetitan.conftest import (
    assert_exact_copy,
    embedded_items,
    mirror_raw,
    source_records,
)
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db
FUTURE = "2099-01-01T00:00:00Z"


def events() -> list[tuple[str, int]]:
    return [(e.event_type, int(e.entity_id))
            for e in WorkflowEvent.objects.order_by("id")]


def first(st, name: str, **wanted):
    """The first source record of ``name`` whose fields have the ``wanted`` values."""
    for record in source_records(st, name).values():
        if all(record.get(key) == value for key, value in wanted.items()):
            return record
    raise LookupError(f"no {name} record with {wanted}")


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_resource_lands_with_raw_equal_to_what_the_api_sent(st, run_sync, resource):
    summary = run_sync(resource.name)

    assert summary.ok
    assert mirror_raw(resource.name) == source_records(st, resource.name)


def test_estimate_items_land_from_the_estimates_that_embed_them(st, run_sync):
    run_sync("estimates")

    stored = dict(EstimateItem.objects.values_list("id", "estimate_id"))
    expected = {item["id"]: estimate["id"]
                for estimate in source_records(st, "estimates").values()
                for item in estimate["items"]}
    assert stored == expected and mirror_raw("estimates")


def test_a_first_sync_of_everything_is_an_exact_copy(st, run_sync):
    assert run_sync().ok
    assert_exact_copy(st)


def test_money_sent_as_strings_is_stored_as_numbers(st, run_sync):
    run_sync("invoices")
    record = first(st, "invoices", active=True)

    invoice = Invoice.objects.get(id=record["id"])

    assert invoice.total == Decimal(record["total"]) and invoice.customer_id == (
        record["customer"]["id"])


def test_the_backfill_announces_nothing(st, run_sync):
    run_sync("customers", "jobs")
    assert events() == []


def test_the_backfill_can_announce_creations_without_milestones(st, run_sync, settings):
    settings.ST_SYNC_BACKFILL_EVENTS = 1
    run_sync("jobs")
    types = {event_type for event_type, _ in events()}
    assert types == {"job.created"} and len(events()) == len(source_records(st, "jobs"))


def test_an_incremental_run_with_nothing_changed_makes_one_request_per_resource(st, run_sync):
    run_sync()

    summary = run_sync()

    assert summary.ok and [o.log.requests for o in summary.outcomes] == [1] * len(RESOURCES)
    assert sum(o.log.fetched for o in summary.outcomes) == 2  # the two lists' overlap


def test_an_incremental_run_picks_up_creates_updates_and_deactivations_only(st, run_sync):
    run_sync("customers")
    changed = first(st, "customers", active=True)["id"]
    retired = first(st, "customers", active=True, type="Commercial")["id"]
    new = st.create("customers", {"name": "Dana Whitfield"})["id"]
    st.update("customers", changed, {"name": "Renamed Person"})
    st.deactivate("customers", retired)

    summary = run_sync("customers")

    log = summary.outcomes[0].log
    assert (log.created, log.updated) == (1, 2)
    assert sorted(events()) == sorted([("customer.created", new), ("customer.updated", changed),
                                       ("customer.updated", retired)])
    assert_exact_copy(st, ["customers"])


def test_an_update_event_carries_the_snapshot_and_what_changed(st, run_sync):
    run_sync("customers")
    record = first(st, "customers", active=True)
    st.update("customers", record["id"], {"name": "Renamed Person", "balance": 1250.0})

    run_sync("customers")

    payload = WorkflowEvent.objects.get(event_type="customer.updated").payload
    assert payload["name"] == "Renamed Person" and payload["balance"] == "1250.00"
    assert payload["changes"]["name"] == [record["name"], "Renamed Person"]
    assert set(payload["changes"]) == {"name", "balance", "modified_on"}


def test_a_created_event_carries_the_typed_snapshot(st, run_sync):
    run_sync("customers")
    new = st.create("customers", {"name": "Dana Whitfield"})

    run_sync("customers")

    payload = WorkflowEvent.objects.get(event_type="customer.created").payload
    typed = {f.attname for f in Customer._meta.concrete_fields} - {
        "raw", "synced_at", "content_hash"}
    assert set(payload) == typed and payload["id"] == new["id"]
    assert payload["created_on"].startswith(new["createdOn"][:19])


def test_a_deactivation_changes_active(st, run_sync):
    run_sync("customers")
    record = first(st, "customers", active=True)
    st.deactivate("customers", record["id"])

    run_sync("customers")

    event = WorkflowEvent.objects.get(event_type="customer.updated")
    assert event.payload["changes"]["active"] == [True, False]
    assert Customer.objects.get(id=record["id"]).active is False


def test_redelivered_unchanged_records_emit_no_events(st, run_sync):
    run_sync("customers")
    st.update("customers", first(st, "customers")["id"], {"name": "Renamed Person"})
    run_sync("customers")
    WorkflowEvent.objects.all().delete()

    summary = run_sync("customers")  # includeRecentChanges sends the last change again

    log = summary.outcomes[0].log
    assert (log.fetched, log.unchanged, log.updated) == (1, 1, 0) and events() == []


def test_a_status_change_emits_status_changed_with_old_and_new(st, run_sync):
    run_sync("jobs")
    job = first(st, "jobs", jobStatus="Scheduled")
    st.update("jobs", job["id"], {"jobStatus": "Dispatched"})

    run_sync("jobs")

    event = WorkflowEvent.objects.get(event_type="job.status_changed")
    assert (event.payload["old_status"], event.payload["new_status"]) == (
        "Scheduled", "Dispatched")
    assert event.payload["job_status"] == "Dispatched" and int(event.entity_id) == job["id"]
    assert sorted(events()) == sorted([("job.updated", job["id"]),
                                       ("job.status_changed", job["id"])])


def test_a_job_reaching_completed_emits_job_completed(st, run_sync):
    run_sync("jobs")
    job = first(st, "jobs", jobStatus="Scheduled")
    st.update("jobs", job["id"], {"jobStatus": "Completed"})

    run_sync("jobs")

    assert ("job.completed", job["id"]) in events()
    assert Job.objects.get(id=job["id"]).job_status == "Completed"


def test_an_estimate_status_change_reads_the_status_name(st, run_sync):
    run_sync("estimates")
    estimate = next(e for e in source_records(st, "estimates").values()
                    if e["status"]["name"] == "Open")
    st.update("estimates", estimate["id"], {"status": {"value": 1, "name": "Sold"}})

    run_sync("estimates")

    event = WorkflowEvent.objects.get(event_type="estimate.status_changed")
    assert (event.payload["old_status"], event.payload["new_status"]) == ("Open", "Sold")


def test_an_invoice_paid_off_emits_invoice_paid(st, run_sync):
    run_sync("invoices")
    owing = next(i for i in source_records(st, "invoices").values()
                 if Decimal(i["balance"]) > 0)
    st.update("invoices", owing["id"], {"balance": "0.00"})

    run_sync("invoices")

    assert ("invoice.paid", owing["id"]) in events()


def test_a_new_record_that_is_already_completed_emits_its_milestone(st, run_sync):
    run_sync("jobs")
    new = st.create("jobs", {"jobStatus": "Completed"})

    run_sync("jobs")

    assert sorted(events()) == sorted([("job.created", new["id"]),
                                       ("job.completed", new["id"])])


def test_a_record_without_a_usable_id_is_set_aside_with_its_reason_while_its_page_lands(
        st, run_sync):
    bad = first(st, "customers")
    st.replace("customers", bad["id"], {**bad, "id": "C-17"})

    summary = run_sync("customers")

    log = summary.outcomes[0].log
    assert log.status == SyncLog.Status.PARTIAL and not summary.ok
    assert log.rejected_records == [{"id": "C-17", "error": "id: 'C-17' is not an id"}]
    assert set(mirror_raw("customers")) == set(source_records(st, "customers")) - {"C-17"}
    assert bad["id"] not in mirror_raw("customers")


def test_a_value_that_does_not_fit_its_column_is_null_and_the_record_lands(st, run_sync):
    bad = first(st, "customers")
    st.replace("customers", bad["id"], {**bad, "createdOn": "not a date"})

    summary = run_sync("customers")

    log = summary.outcomes[0].log
    assert log.status == SyncLog.Status.SUCCESS and summary.ok and log.rejected == 0
    assert (log.warnings, log.warning_samples) == (1, [
        {"id": bad["id"],
         "warning": "createdOn: 'not a date' is not a date-time; stored as NULL"}])
    assert Customer.objects.get(id=bad["id"]).created_on is None
    assert_exact_copy(st, ["customers"])


def test_a_record_that_is_not_an_object_is_rejected_by_position(st, run_sync):
    bad = first(st, "customers")
    st.replace("customers", bad["id"], "garbage")

    log = run_sync("customers").outcomes[0].log

    assert log.rejected == 1 and log.rejected_records[0]["id"] is None
    assert "not a JSON object" in log.rejected_records[0]["error"]


def test_a_value_fixed_later_fills_its_column_on_a_later_run(st, run_sync):
    bad = first(st, "customers")
    st.replace("customers", bad["id"], {**bad, "balance": "lots"})
    run_sync("customers")
    assert Customer.objects.get(id=bad["id"]).balance is None
    st.replace("customers", bad["id"], {**bad, "modifiedOn": st.now()})

    log = run_sync("customers").outcomes[0].log

    assert (log.updated, log.warnings) == (1, 0)
    assert Customer.objects.get(id=bad["id"]).balance == Decimal(str(bad["balance"]))
    assert_exact_copy(st, ["customers"])


def test_an_item_dropped_from_an_estimate_is_deactivated(st, run_sync):
    run_sync("estimates")
    estimate = next(e for e in source_records(st, "estimates").values() if len(e["items"]) > 1)
    dropped = estimate["items"][0]["id"]
    st.deactivate("estimate_items", dropped)

    run_sync("estimates")

    assert EstimateItem.objects.get(id=dropped).active is False
    active = set(EstimateItem.objects.filter(active=True).values_list("id", flat=True))
    assert active == set(embedded_items(st))
    event = WorkflowEvent.objects.get(event_type="estimate_item.updated")
    assert event.payload["changes"] == {"active": [True, False]}


def test_an_item_added_to_an_estimate_is_created(st, run_sync):
    run_sync("estimates")
    estimate = first(st, "estimates")
    item = st.create("estimate_items", {"estimateId": estimate["id"], "qty": 2.0})

    run_sync("estimates")

    assert EstimateItem.objects.get(id=item["id"]).estimate_id == estimate["id"]
    assert ("estimate_item.created", item["id"]) in events()


def test_full_re_reads_from_the_beginning_and_announces_nothing_unchanged(st, run_sync):
    run_sync("customers")

    summary = run_sync("customers", full=True)

    log = summary.outcomes[0].log
    assert log.fetched == 100 and log.unchanged == 100 and events() == []


def test_a_list_resource_asks_only_for_what_changed_since_its_watermark(st, run_sync):
    run_sync("job_types")
    watermark = SyncState.objects.get(resource="job_types").cursor
    job_type = first(st, "job_types")
    st.update("job_types", job_type["id"], {"name": "Heat Pump Tune-Up"})

    log = run_sync("job_types").outcomes[0].log

    assert (log.updated, log.created) == (1, 0) and events() == [
        ("job_type.updated", job_type["id"])]
    assert JobType.objects.get(id=job_type["id"]).name == "Heat Pump Tune-Up"
    assert SyncState.objects.get(resource="job_types").cursor > watermark


def test_a_list_record_dated_in_the_future_does_not_hide_later_changes(st, run_sync):
    ahead, changed = list(source_records(st, "job_types").values())[:2]
    st.update("job_types", ahead["id"], {"name": "Ahead", "modifiedOn": FUTURE})
    run_sync("job_types")
    assert parse_time(SyncState.objects.get(resource="job_types").cursor) <= timezone.now()
    st.update("job_types", changed["id"], {"name": "Heat Pump Tune-Up"})

    run_sync("job_types")

    assert JobType.objects.get(id=changed["id"]).name == "Heat Pump Tune-Up"


def test_a_list_watermark_saved_in_the_future_is_not_trusted(st, run_sync):
    run_sync("job_types")
    SyncState.objects.filter(resource="job_types").update(cursor=FUTURE)
    changed = first(st, "job_types")
    st.update("job_types", changed["id"], {"name": "Heat Pump Tune-Up"})

    run_sync("job_types")

    assert JobType.objects.get(id=changed["id"]).name == "Heat Pump Tune-Up"
    assert parse_time(SyncState.objects.get(resource="job_types").cursor) <= timezone.now()


def test_the_cursor_advances_with_every_page(st, run_sync):
    st.set_options(export_page_size=30)
    log = run_sync("customers").outcomes[0].log
    state = SyncState.objects.get(resource="customers")
    assert log.pages == state.pages == 4 and state.cursor and state.last_success_at
