"""No record is dropped: a sync over real HTTP of a tenant whose values do not fit their
typed columns (words in the free-string amounts, a reference or flag of the wrong kind, a
NUL character) stores every record whole, NULL (or the column's fallback) in the column, and
counts and samples the values as warnings; only a record without a usable id is rejected."""

from decimal import Decimal

import pytest

from sandbox.servicetitan.worded import WORDS
from servicetitan.models import (
    Customer,
    CustomerContact,
    Estimate,
    EstimateItem,
    Invoice,
    InvoiceItem,
    Payment,
    SyncLog,
)
from servicetitan.sync import MAX_WARNINGS_KEPT
from tests.servicetitan.conftest import assert_exact_copy, source_records
from workflows.conditions import evaluate
from workflows.facts import EntityFacts
from workflows.models import WorkflowEvent

pytestmark = pytest.mark.django_db

ACCOUNTING = ["invoices", "invoice_items", "payments"]
# The typed columns fed from the amounts the spec types as free strings.
FREE_STRING_COLUMNS = {
    "invoices": (Invoice, {"sub_total": "subTotal", "sales_tax": "salesTax",
                           "total": "total", "balance": "balance"}),
    "invoice_items": (InvoiceItem, {"quantity": "quantity", "price": "price",
                                    "total": "total"}),
    "payments": (Payment, {"total": "total", "unapplied_amount": "unappliedAmount"}),
}


@pytest.fixture
def worded(st):
    """The sandbox with words in a third of the records' free-string amounts."""
    st.set_options(worded_numbers=0.3)
    return st


def worded_values(st, name: str) -> int:
    """How many of the mirrored free-string amounts of ``name`` hold words at the source."""
    _, columns = FREE_STRING_COLUMNS[name]
    return sum(record[field] in WORDS for record in source_records(st, name).values()
               for field in columns.values())


def test_a_tenant_whose_free_text_numbers_hold_words_syncs_with_success_and_every_record(
        st, run_sync):
    st.set_options(worded_numbers=1.0)

    summary = run_sync()

    assert summary.ok and all(o.log.rejected == 0 for o in summary.outcomes)
    assert_exact_copy(st)
    assert {o.resource for o in summary.outcomes if o.log.warnings} == set(FREE_STRING_COLUMNS)
    assert not [(model.__name__, column) for model, columns in FREE_STRING_COLUMNS.values()
                for column in columns
                if model.objects.filter(**{f"{column}__isnull": False}).exists()]


@pytest.mark.parametrize("name", ACCOUNTING)
def test_a_word_leaves_null_in_the_typed_column_and_stays_in_raw(worded, run_sync, name):
    run_sync(name)
    model, columns = FREE_STRING_COLUMNS[name]
    words = 0

    for row in model.objects.all():
        for column, field in columns.items():
            sent = row.raw[field]
            if sent in WORDS:
                words += 1
                assert getattr(row, column) is None, (row.id, column, sent)
            else:
                assert getattr(row, column) == Decimal(sent), (row.id, column, sent)

    assert words == worded_values(worded, name) > 0


@pytest.mark.parametrize("name", ACCOUNTING)
def test_the_run_log_counts_and_samples_the_words_as_warnings(worded, run_sync, name):
    log = run_sync(name).outcomes[0].log

    assert log.status == SyncLog.Status.SUCCESS and log.rejected == 0
    assert log.warnings == worded_values(worded, name)
    assert 0 < len(log.warning_samples) == min(log.warnings, MAX_WARNINGS_KEPT)
    sample = log.warning_samples[0]
    raw = source_records(worded, name)[sample["id"]]
    field, _, reason = sample["warning"].partition(": ")
    assert raw[field] in WORDS and reason == f"{raw[field]!r} is not a number; stored as NULL"


def test_a_worded_record_read_again_is_unchanged_and_announces_nothing(worded, run_sync):
    run_sync("invoices")

    log = run_sync("invoices", full=True).outcomes[0].log

    assert log.unchanged == log.fetched and (log.created, log.updated) == (0, 0)
    assert not WorkflowEvent.objects.exists()


def test_a_change_to_a_worded_record_does_not_report_its_null_amounts_as_changed(
        worded, run_sync):
    run_sync("invoices")
    invoice = next(i for i in source_records(worded, "invoices").values()
                   if i["total"] in WORDS and i["balance"] in WORDS)
    worded.update("invoices", invoice["id"], {"summary": "Called about the total"})

    run_sync("invoices")

    [event] = WorkflowEvent.objects.filter(event_type="invoice.updated")
    assert event.payload["total"] is None and set(event.payload["changes"]) == {"modified_on"}
    assert not WorkflowEvent.objects.filter(event_type="invoice.paid").exists()


def test_rules_on_a_null_amount_do_not_pass_comparisons(worded, run_sync):
    run_sync("invoices")
    invoice = next(i for i in source_records(worded, "invoices").values()
                   if i["total"] in WORDS)
    worded.update("invoices", invoice["id"], {"summary": "Called about the total"})
    run_sync("invoices")
    facts = EntityFacts.for_event(WorkflowEvent.objects.get(event_type="invoice.updated"))

    def passes(rule: dict) -> bool:
        return evaluate(rule, facts).passed

    assert not passes({"field": "total", "op": ">=", "value": 0})
    assert not passes({"field": "total", "op": "<", "value": 1_000_000})
    assert not passes({"field": "total", "op": "exists"})
    assert passes({"field": "total", "op": "==", "value": None})


def test_an_estimate_total_is_null_when_its_tax_is_a_word(st, run_sync):
    estimate = next(iter(source_records(st, "estimates").values()))
    st.update("estimates", estimate["id"], {"tax": "TBD"})

    assert run_sync("estimates").ok

    stored = Estimate.objects.get(id=estimate["id"])
    assert stored.subtotal == Decimal(str(estimate["subtotal"])) and stored.total is None


def test_a_do_not_text_flag_that_is_not_a_boolean_is_stored_as_set(st, run_sync):
    contact = next(c for c in source_records(st, "customer_contacts").values()
                   if c["phoneSettings"] and c["phoneSettings"]["doNotText"] is False)
    st.update("customer_contacts", contact["id"], {
        "phoneSettings": {**contact["phoneSettings"], "doNotText": "no"}})

    log = run_sync("customer_contacts").outcomes[0].log

    assert log.status == SyncLog.Status.SUCCESS
    assert CustomerContact.objects.get(id=contact["id"]).do_not_text is True
    assert log.warning_samples == [{"id": contact["id"], "warning": (
        "phoneSettings.doNotText: 'no' is not true or false; stored as true")}]


def test_a_contact_without_its_customer_id_is_stored_with_a_null_customer(st, run_sync):
    contact = next(iter(source_records(st, "customer_contacts").values()))
    st.update("customer_contacts", contact["id"], {"customerId": None})

    assert run_sync("customer_contacts").ok

    stored = CustomerContact.objects.get(id=contact["id"])
    assert stored.customer_id is None and stored.value == contact["value"]


def test_a_record_with_a_nul_character_is_stored_with_a_replacement_character(st, run_sync):
    customer = next(iter(source_records(st, "customers").values()))
    st.update("customers", customer["id"], {"name": "Ana\x00Ruiz"})

    log = run_sync("customers").outcomes[0].log

    assert log.status == SyncLog.Status.SUCCESS and log.warnings == 1
    stored = Customer.objects.get(id=customer["id"])
    assert stored.name == stored.raw["name"] == "Ana\ufffdRuiz"


def test_an_embedded_item_without_an_id_is_rejected_and_its_estimate_stored(st, run_sync):
    estimate = next(e for e in source_records(st, "estimates").values() if len(e["items"]) > 1)
    items = [{**estimate["items"][0], "id": None}, *estimate["items"][1:]]
    st.replace("estimates", estimate["id"], {**estimate, "items": items})

    summary = run_sync("estimates")

    log = summary.outcomes[0].log
    assert log.status == SyncLog.Status.PARTIAL and log.rejected == 1
    assert log.rejected_records == [
        {"id": estimate["id"], "error": "items[0]: id: None is not an id"}]
    assert Estimate.objects.get(id=estimate["id"]).raw["items"] == items
    kept = {i["id"] for i in estimate["items"][1:]}
    assert kept <= set(EstimateItem.objects.filter(estimate_id=estimate["id"], active=True)
                       .values_list("id", flat=True))


def test_items_that_are_not_a_list_leave_the_stored_items_alone(st, run_sync):
    run_sync("estimates")
    estimate = next(e for e in source_records(st, "estimates").values() if e["items"])
    st.replace("estimates", estimate["id"], {**estimate, "items": "see attachment",
                                             "modifiedOn": st.now()})

    log = run_sync("estimates").outcomes[0].log

    assert log.status == SyncLog.Status.SUCCESS and log.updated == 1
    assert Estimate.objects.get(id=estimate["id"]).raw["items"] == "see attachment"
    assert EstimateItem.objects.filter(estimate_id=estimate["id"], active=True).count() == len(
        estimate["items"])
    assert log.warning_samples == [{"id": estimate["id"], "warning": (
        "items: 'see attachment' is not a list; the stored items are left as they are")}]


def test_warning_samples_mask_the_phone_number_they_quote(st, run_sync):
    """The sync log is read by staff and kept for months: a value that did not fit is quoted
    masked, like in every log line; its record id finds it."""
    technician = next(iter(source_records(st, "technicians").values()))
    st.update("technicians", technician["id"], {"mobilePhone": ["+14075550187"]})

    log = run_sync("technicians").outcomes[0].log

    assert log.status == SyncLog.Status.SUCCESS and log.warnings == 1
    assert log.warning_samples == [{"id": technician["id"], "warning": (
        "mobilePhone: ['+*******0187'] is not text; stored as empty text")}]
