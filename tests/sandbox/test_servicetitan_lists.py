"""List endpoints: paging, totals, the active filters and the date filters."""

from __future__ import annotations

import pytest

CUSTOMERS = "/crm/v2/tenant/{tenant}/customers"
INVOICES = "/accounting/v2/tenant/{tenant}/invoices"
PAYMENTS = "/accounting/v2/tenant/{tenant}/payments"
ITEMS = "/sales/v2/tenant/{tenant}/estimates/items"


def _ids(st, template, **params):
    return [record["id"] for record in st.get(template, **params).json()["data"]]


def test_the_default_page_is_the_first_fifty(st):
    body = st.get(CUSTOMERS).json()

    assert (body["page"], body["pageSize"], len(body["data"])) == (1, 50, 50)
    assert body["hasMore"] is True


def test_total_count_is_null_unless_asked_for(st):
    assert st.get(CUSTOMERS).json()["totalCount"] is None


def test_include_total_counts_every_matching_record(st):
    everyone = st.get(CUSTOMERS, pageSize=5000, active="Any").json()["data"]
    active = sum(record["active"] for record in everyone)

    assert st.get(CUSTOMERS, includeTotal="true").json()["totalCount"] == active


def test_pages_follow_each_other_without_gaps_or_overlap(st):
    every = _ids(st, CUSTOMERS, pageSize=5000)

    paged = _ids(st, CUSTOMERS, pageSize=30) + _ids(st, CUSTOMERS, pageSize=30, page=2) + \
        _ids(st, CUSTOMERS, pageSize=30, page=3) + _ids(st, CUSTOMERS, pageSize=30, page=4)

    assert paged == every


def test_the_last_page_says_there_is_no_more(st):
    total = st.get(CUSTOMERS, includeTotal="true").json()["totalCount"]

    body = st.get(CUSTOMERS, pageSize=total).json()

    assert body["hasMore"] is False


def test_a_page_past_the_end_is_empty(st):
    body = st.get(CUSTOMERS, page=99).json()

    assert (body["data"], body["hasMore"]) == ([], False)


def test_page_size_5000_is_allowed(st):
    assert st.get(CUSTOMERS, pageSize=5000).status_code == 200


def test_page_size_over_5000_is_a_validation_error_naming_the_field(st):
    response = st.get(CUSTOMERS, pageSize=5001)

    body = response.json()
    assert response.status_code == 400
    assert body["status"] == 400 and body["title"] and body["traceId"]
    assert list(body["errors"]) == ["pageSize"]


@pytest.mark.parametrize("params, field", [
    ({"page": "0"}, "page"), ({"page": "two"}, "page"), ({"pageSize": "0"}, "pageSize"),
    ({"includeTotal": "maybe"}, "includeTotal"), ({"active": "Sometimes"}, "active"),
    ({"modifiedOnOrAfter": "yesterday"}, "modifiedOnOrAfter"),
    ({"modifiedBefore": "2024-13-45"}, "modifiedBefore"),
    ({"createdOnOrAfter": "not a date"}, "createdOnOrAfter"),
    ({"createdBefore": "12/01/2024"}, "createdBefore"), ({"ids": "1,two"}, "ids"),
])
def test_a_malformed_parameter_is_a_400_naming_it(st, params, field):
    response = st.get(CUSTOMERS, **params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_every_bad_parameter_is_reported_at_once(st):
    body = st.get(CUSTOMERS, page="x", pageSize="99999").json()

    assert set(body["errors"]) == {"page", "pageSize"}


def test_an_unknown_parameter_is_ignored(st):
    assert st.get(CUSTOMERS, color="blue").status_code == 200


def test_lists_return_only_active_records_by_default(st):
    records = st.get(CUSTOMERS, pageSize=5000).json()["data"]

    assert records and all(record["active"] for record in records)


def test_active_any_returns_active_and_inactive_records(st):
    records = st.get(CUSTOMERS, pageSize=5000, active="Any").json()["data"]

    assert len(records) == 100
    assert {record["active"] for record in records} == {True, False}


def test_active_false_returns_only_inactive_records(st):
    records = st.get(CUSTOMERS, pageSize=5000, active="False").json()["data"]

    assert records and not any(record["active"] for record in records)


def test_the_active_filter_ignores_case(st):
    assert st.get(CUSTOMERS, active="any").json()["data"]


def test_accounting_lists_return_active_records_by_default(st):
    records = st.get(INVOICES, pageSize=5000).json()["data"]

    assert records and all(record["active"] for record in records)


def test_accounting_active_state_all_includes_inactive_records(st):
    records = st.get(INVOICES, pageSize=5000, activeState="All").json()["data"]

    assert {record["active"] for record in records} == {True, False}


def test_accounting_active_state_inactive_only_returns_inactive_records(st):
    records = st.get(INVOICES, pageSize=5000, activeState="InactiveOnly").json()["data"]

    assert records and not any(record["active"] for record in records)


def test_accounting_lists_reject_an_unknown_active_state(st):
    response = st.get(PAYMENTS, activeState="Whatever")

    assert response.status_code == 400
    assert "activeState" in response.json()["errors"]


def test_modified_on_or_after_returns_only_records_modified_since(st):
    records = st.get(CUSTOMERS, pageSize=5000, active="Any").json()["data"]
    cutoff = sorted(record["modifiedOn"] for record in records)[60]

    found = st.get(CUSTOMERS, pageSize=5000, active="Any", modifiedOnOrAfter=cutoff).json()

    assert {r["id"] for r in found["data"]} == {
        r["id"] for r in records if r["modifiedOn"] >= cutoff}


def test_modified_before_and_created_filters_bound_the_other_side(st):
    records = st.get(CUSTOMERS, pageSize=5000, active="Any").json()["data"]
    created = sorted(r["createdOn"] for r in records)[50]
    modified = sorted(r["modifiedOn"] for r in records)[70]

    found = st.get(CUSTOMERS, pageSize=5000, active="Any", createdOnOrAfter=created,
                   modifiedBefore=modified).json()["data"]

    assert {r["id"] for r in found} == {
        r["id"] for r in records if r["createdOn"] >= created and r["modifiedOn"] < modified}


def test_a_date_filter_accepts_a_plain_date(st):
    assert st.get(CUSTOMERS, createdBefore="2000-01-01").json()["data"] == []


def test_a_changed_record_moves_into_a_modified_since_window(st):
    cutoff = st.vendor.now()
    st.vendor.update("customers", 10000005, {"name": "Zoë Nguyễn"})

    records = st.get(CUSTOMERS, modifiedOnOrAfter=cutoff).json()["data"]

    assert [(r["id"], r["name"]) for r in records] == [(10000005, "Zoë Nguyễn")]


def test_ids_looks_records_up_by_id(st):
    assert _ids(st, CUSTOMERS, ids="10000003,10000001", active="Any") == [10000001, 10000003]


def test_more_than_fifty_ids_is_a_validation_error(st):
    ids = ",".join(str(10000001 + i) for i in range(51))

    assert st.get(CUSTOMERS, ids=ids).status_code == 400


def test_estimate_items_can_be_listed_for_one_estimate(st):
    estimate = st.get("/sales/v2/tenant/{tenant}/estimates", pageSize=1).json()["data"][0]

    items = st.get(ITEMS, estimateId=estimate["id"]).json()["data"]

    assert items == estimate["items"]


def test_lists_without_an_active_field_leave_it_out(st):
    contact = st.get("/crm/v2/tenant/{tenant}/customers/contacts", pageSize=1).json()["data"][0]

    assert "active" not in contact and "customerId" in contact
