"""Export endpoints: continuation tokens, from=<date>, includeRecentChanges and the delay of
recent changes, repeated delivery, and the active filter of appointments."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import EXPORTED

CUSTOMERS = "/crm/v2/tenant/{tenant}/export/customers"
APPOINTMENTS = "/jpm/v2/tenant/{tenant}/export/appointments"


def _ids(records):
    return [record["id"] for record in records]


@pytest.mark.parametrize("resource", EXPORTED, ids=lambda r: r.name)
def test_a_full_walk_returns_every_record_exactly_once(st, resource):
    st.vendor.set_options(export_page_size=97, rate_limit=None)

    records, _ = st.export_all(resource.path("export"))

    ids = _ids(records)
    assert len(ids) == len(set(ids)) == st.vendor.counts()[resource.name]


def test_a_walk_ends_with_has_more_false(st):
    st.vendor.set_options(export_page_size=40)

    pages = st.export_pages(CUSTOMERS)

    assert [page["hasMore"] for page in pages] == [True, True, False]


def test_exports_include_inactive_records(st):
    records, _ = st.export_all(CUSTOMERS)

    assert {record["active"] for record in records} == {True, False}


def test_a_walk_serves_records_in_modification_order(st):
    records, _ = st.export_all(CUSTOMERS)

    stamps = [record["modifiedOn"] for record in records]
    assert stamps == sorted(stamps)


def test_an_export_page_holds_export_page_size_records(st):
    st.vendor.set_options(export_page_size=100)

    body = st.get("/accounting/v2/tenant/{tenant}/export/invoice-items").json()

    assert len(body["data"]) == 100 and body["hasMore"] is True


def test_a_caught_up_token_returns_nothing_when_nothing_changed(st):
    _, token = st.export_all(CUSTOMERS)

    body = st.get(CUSTOMERS, **{"from": token}).json()

    assert (body["data"], body["hasMore"], body["continueFrom"]) == ([], False, token)


def test_a_stored_token_returns_only_creates_updates_and_deactivations_since(st):
    _, token = st.export_all(CUSTOMERS)
    created = st.vendor.create("customers", {"name": "José Muñoz"})
    st.vendor.update("customers", 10000007, {"doNotService": True})
    st.vendor.deactivate("customers", 10000009)
    st.vendor.advance_clock(901)

    records, _ = st.export_all(CUSTOMERS, **{"from": token})

    assert _ids(records) == [created["id"], 10000007, 10000009]
    assert records[0]["name"] == "José Muñoz"
    assert records[1]["doNotService"] is True
    assert records[2]["active"] is False


def test_a_changed_record_is_not_delivered_twice_in_a_full_walk(st):
    st.vendor.update("customers", 10000001, {"name": "Renée Ólafsdóttir"})
    st.vendor.advance_clock(901)

    records, _ = st.export_all(CUSTOMERS)

    assert _ids(records).count(10000001) == 1
    assert records[-1]["name"] == "Renée Ólafsdóttir"


def test_without_recent_changes_a_fresh_change_is_hidden(st):
    _, token = st.export_all(CUSTOMERS)
    st.vendor.update("customers", 10000002, {"doNotMail": True})

    body = st.get(CUSTOMERS, **{"from": token}).json()

    assert (body["data"], body["hasMore"]) == ([], False)


def test_a_hidden_change_shows_once_the_recent_delay_has_passed(st):
    _, token = st.export_all(CUSTOMERS)
    st.vendor.update("customers", 10000002, {"doNotMail": True})
    st.vendor.advance_clock(900)

    body = st.get(CUSTOMERS, **{"from": token}).json()

    assert _ids(body["data"]) == [10000002]


def test_the_recent_delay_is_configurable(st):
    st.vendor.set_options(recent_delay=0)
    _, token = st.export_all(CUSTOMERS)
    st.vendor.update("customers", 10000002, {"doNotMail": True})

    assert _ids(st.get(CUSTOMERS, **{"from": token}).json()["data"]) == [10000002]


def test_include_recent_changes_shows_a_fresh_change_at_once(st):
    _, token = st.export_all(CUSTOMERS)
    st.vendor.update("customers", 10000002, {"doNotMail": True})

    body = st.get(CUSTOMERS, includeRecentChanges="true", **{"from": token}).json()

    assert _ids(body["data"]) == [10000002] and body["data"][0]["doNotMail"] is True


def test_include_recent_changes_delivers_the_latest_change_again_on_the_next_call(st):
    _, token = st.export_all(CUSTOMERS)
    st.vendor.update("customers", 10000002, {"doNotMail": True})
    first = st.get(CUSTOMERS, includeRecentChanges="true", **{"from": token}).json()

    again = st.get(CUSTOMERS, includeRecentChanges="true",
                   **{"from": first["continueFrom"]}).json()

    assert _ids(again["data"]) == [10000002] and again["hasMore"] is False


def test_repeated_delivery_stops_once_the_change_is_no_longer_recent(st):
    _, token = st.export_all(CUSTOMERS)
    st.vendor.update("customers", 10000002, {"doNotMail": True})
    first = st.get(CUSTOMERS, includeRecentChanges="true", **{"from": token}).json()
    st.vendor.advance_clock(901)

    again = st.get(CUSTOMERS, includeRecentChanges="true",
                   **{"from": first["continueFrom"]}).json()

    assert again["data"] == []


def test_repeated_delivery_can_be_switched_off(st):
    st.vendor.set_options(redelivery=False)
    _, token = st.export_all(CUSTOMERS)
    st.vendor.update("customers", 10000002, {"doNotMail": True})
    first = st.get(CUSTOMERS, includeRecentChanges="true", **{"from": token}).json()

    again = st.get(CUSTOMERS, includeRecentChanges="true",
                   **{"from": first["continueFrom"]}).json()

    assert again["data"] == []


def test_a_repeated_record_does_not_take_a_page_slot(st):
    _, token = st.export_all(CUSTOMERS)
    st.vendor.set_options(export_page_size=1)
    for customer_id in (10000002, 10000003):
        st.vendor.update("customers", customer_id, {"doNotMail": True})
    first = st.get(CUSTOMERS, includeRecentChanges="true", **{"from": token}).json()

    second = st.get(CUSTOMERS, includeRecentChanges="true",
                    **{"from": first["continueFrom"]}).json()

    assert _ids(first["data"]) == [10000002]
    assert _ids(second["data"]) == [10000002, 10000003]


def test_from_a_date_starts_at_changes_on_or_after_it(st):
    records, _ = st.export_all(CUSTOMERS)
    since = records[80]["modifiedOn"]

    found, _ = st.export_all(CUSTOMERS, **{"from": since})

    assert _ids(found) == _ids(records[80:])


def test_from_a_plain_date_is_accepted(st):
    records, _ = st.export_all(CUSTOMERS, **{"from": "2000-01-01"})

    assert len(records) == 100


def test_from_now_returns_only_what_changes_afterwards(st):
    since = st.vendor.now()
    st.vendor.update("customers", 10000004, {"doNotMail": True})

    records, _ = st.export_all(CUSTOMERS, includeRecentChanges="true", **{"from": since})

    assert _ids(records) == [10000004]


def test_a_token_that_is_not_one_is_a_400(st):
    response = st.get(CUSTOMERS, **{"from": "garbage!"})

    assert response.status_code == 400
    assert "from" in response.json()["errors"]


def test_a_token_of_another_export_is_a_400(st):
    _, token = st.export_all("/jpm/v2/tenant/{tenant}/export/jobs")

    assert st.get(CUSTOMERS, **{"from": token}).status_code == 400


def test_a_malformed_date_is_a_400(st):
    assert st.get(CUSTOMERS, **{"from": "2024-02-31"}).status_code == 400


def test_a_bad_include_recent_changes_is_a_400(st):
    response = st.get(CUSTOMERS, includeRecentChanges="sometimes")

    assert "includeRecentChanges" in response.json()["errors"]


def test_appointment_exports_return_every_state_by_default(st):
    records, _ = st.export_all(APPOINTMENTS)

    assert {record["active"] for record in records} == {True, False}


def test_appointment_exports_filter_on_active(st):
    records, _ = st.export_all(APPOINTMENTS, active="False")

    assert records and not any(record["active"] for record in records)


def test_a_token_survives_a_reset_and_then_finds_nothing_new(st):
    _, token = st.export_all(CUSTOMERS)
    st.vendor.create("customers", {"name": "Temporary"})
    st.vendor.reset()

    body = st.get(CUSTOMERS, **{"from": token}).json()

    assert (body["data"], body["hasMore"]) == ([], False)
