"""The ServiceTitan sandbox's control API over HTTP: records, options, clock, statistics,
counts and reset, and clear errors for bad input."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import EXPORTED

CUSTOMERS = "/crm/v2/tenant/{tenant}/customers"
INVOICE_ITEMS = "/accounting/v2/tenant/{tenant}/export/invoice-items"


def test_it_reads_a_record_as_exports_send_it(st):
    response = st.control("GET", "records/customers/10000001")

    assert response.status_code == 200
    assert response.json() == st.get(CUSTOMERS, ids="10000001", active="Any").json()["data"][0]


def test_it_creates_a_record_with_a_new_id_and_fresh_times(st):
    response = st.control("POST", "records/customers", {"name": "Siobhán O'Connor"})

    created = response.json()
    assert response.status_code == 201
    assert created["id"] == 10000101
    assert created["name"] == "Siobhán O'Connor" and created["active"] is True
    assert created["createdOn"] == created["modifiedOn"]


def test_a_created_job_gets_its_id_as_job_number(st):
    created = st.control("POST", "records/jobs", {"jobStatus": "Scheduled"}).json()

    assert created["jobNumber"] == str(created["id"])


def test_it_updates_fields_and_bumps_modified_on(st):
    before = st.control("GET", "records/customers/10000002").json()

    after = st.control("PATCH", "records/customers/10000002", {"doNotService": True}).json()

    assert after["doNotService"] is True
    assert after["modifiedOn"] > before["modifiedOn"]
    assert {k: v for k, v in after.items() if k not in ("doNotService", "modifiedOn")} == {
        k: v for k, v in before.items() if k not in ("doNotService", "modifiedOn")}


def test_an_update_can_set_modified_on_explicitly(st):
    after = st.control("PATCH", "records/customers/10000002",
                       {"modifiedOn": "2030-01-01T00:00:00Z"}).json()

    assert after["modifiedOn"] == "2030-01-01T00:00:00Z"


def test_a_modified_on_set_explicitly_drives_list_filters(st):
    st.vendor.update("customers", 10000002, {"modifiedOn": "2030-01-01T00:00:00Z"})

    found = st.get(CUSTOMERS, modifiedOnOrAfter="2029-01-01").json()["data"]

    assert [r["id"] for r in found] == [10000002]


def test_it_deactivates_a_record(st):
    record = st.control("POST", "records/customers/10000002/deactivate").json()

    assert record["active"] is False
    assert 10000002 not in [r["id"] for r in st.get(CUSTOMERS, pageSize=5000).json()["data"]]


def test_it_replaces_a_record_with_malformed_raw_json(st):
    raw = {"id": 10000003, "createdOn": "not a date", "name": None}
    assert st.control("PUT", "records/customers/10000003", raw).status_code == 200
    st.vendor.advance_clock(901)

    records, _ = st.export_all("/crm/v2/tenant/{tenant}/export/customers")

    assert records[-1] == raw


def test_a_replaced_record_with_a_huge_number_is_still_served(st):
    st.vendor.replace("customers", 10000003, {"id": 2**70})
    st.vendor.advance_clock(901)

    records, _ = st.export_all("/crm/v2/tenant/{tenant}/export/customers")

    assert records[-1] == {"id": 2**70}


def test_a_replaced_record_may_lose_its_id(st):
    st.vendor.replace("customers", 10000003, {"name": "no id at all"})

    assert st.control("GET", "records/customers/10000003").json() == {"name": "no id at all"}


def test_updating_an_invoice_item_rewrites_its_invoice(st):
    item = st.get(INVOICE_ITEMS).json()["data"][0]

    st.control("PATCH", f"records/invoice_items/{item['id']}", {"description": "Re-keyed"})

    invoice = st.control("GET", f"records/invoices/{item['invoiceId']}").json()
    embedded = next(i for i in invoice["items"] if i["id"] == item["id"])
    assert embedded["description"] == "Re-keyed" and "invoiceId" not in embedded


def test_a_deactivated_item_leaves_its_invoice(st):
    item = st.get(INVOICE_ITEMS).json()["data"][0]

    st.vendor.deactivate("invoice_items", item["id"])

    invoice = st.vendor.get("invoices", item["invoiceId"])
    assert item["id"] not in [i["id"] for i in invoice["items"]]


def test_creating_an_estimate_with_items_creates_the_item_records(st):
    estimate = st.control("POST", "records/estimates", {
        "name": "Zoë's new system", "items": [{"description": "Heat pump"}, {"qty": 2.0}]}
    ).json()

    listed = st.get("/sales/v2/tenant/{tenant}/estimates/items",
                    estimateId=estimate["id"]).json()["data"]
    assert [i["id"] for i in listed] == [i["id"] for i in estimate["items"]]
    assert estimate["items"][0]["description"] == "Heat pump"


def test_creating_an_invoice_item_adds_it_to_its_invoice(st):
    invoice_id = st.get(INVOICE_ITEMS).json()["data"][0]["invoiceId"]

    item = st.vendor.create("invoice_items", {"invoiceId": invoice_id, "price": "10.00"})

    assert item["id"] in [i["id"] for i in st.vendor.get("invoices", invoice_id)["items"]]


@pytest.mark.parametrize("method, path, body, status, reason", [
    ("GET", "records/unicorns/1", None, 404, "unknown resource"),
    ("GET", "records/customers/5", None, 404, "no customers record"),
    ("GET", "records/customers/abc", None, 404, "no record"),
    ("PATCH", "records/customers/10000001", {"colour": "red"}, 400, "no field"),
    ("PATCH", "records/customers/10000001", {"id": 5}, 400, "id"),
    ("PATCH", "records/customers/10000001", {"active": "no"}, 400, "active"),
    ("PATCH", "records/customers/10000001", {"modifiedOn": "soon"}, 400, "modifiedOn"),
    ("PATCH", "records/customers/10000001", [1, 2], 400, "JSON object"),
    ("PATCH", "records/invoices/100000001", {"items": []}, 400, "invoice_items"),
    ("POST", "records/invoice_items", {"price": "1.00"}, 400, "invoiceId"),
    ("POST", "records/invoice_items", {"invoiceId": 7}, 400, "invoiceId"),
    ("POST", "records/estimates", {"items": "none"}, 400, "items"),
    ("POST", "options", {"colour": 1}, 400, "unknown option"),
    ("POST", "options", {"token_ttl": -1}, 400, "token_ttl"),
    ("POST", "options", {"rate_limit": 0}, 400, "rate_limit"),
    ("POST", "options", {"export_page_size": "big"}, 400, "export_page_size"),
    ("POST", "options", {"redelivery": "yes"}, 400, "redelivery"),
    ("POST", "options", {"worded_numbers": 2}, 400, "worded_numbers"),
    ("POST", "options", {"worded_numbers": "all"}, 400, "worded_numbers"),
    ("POST", "clock", {"advance": -5}, 400, "seconds"),
    ("GET", "nothing-here", None, 404, "no control endpoint"),
    ("DELETE", "counts", None, 405, "use GET"),
])
def test_bad_control_requests_get_a_clear_error(st, method, path, body, status, reason):
    response = st.control(method, path, body)

    assert response.status_code == status
    assert reason in response.json()["error"]


def test_a_body_that_is_not_json_is_a_400(st):
    response = st.session.post(f"{st.url}/servicetitan/_control/options", data=b"{nope")

    assert response.status_code == 400 and "not JSON" in response.json()["error"]


def test_a_body_that_is_not_utf8_is_a_400(st):
    response = st.session.post(f"{st.url}/servicetitan/_control/options", data=b"\xff\xfe")

    assert response.status_code == 400


def test_a_parent_with_a_bad_item_is_not_created_at_all(st):
    response = st.control("POST", "records/estimates", {"items": [{"colour": "red"}]})

    assert response.status_code == 400 and "colour" in response.json()["error"]
    assert st.vendor.counts()["estimates"] == 203
    assert st.vendor.counts()["estimate_items"] == 491


def test_a_failed_update_leaves_the_record_unchanged(st):
    before = st.vendor.get("customers", 10000001)

    st.control("PATCH", "records/customers/10000001", {"name": "x", "colour": "red"})

    assert st.vendor.get("customers", 10000001) == before


def test_updating_a_raw_non_object_record_is_a_conflict(st):
    st.vendor.replace("customers", 10000001, ["not", "an", "object"])

    response = st.control("PATCH", "records/customers/10000001", {"name": "x"})

    assert response.status_code == 409


def test_options_can_be_read_and_set(st):
    changed = st.control("POST", "options", {"token_ttl": 60, "export_page_size": 10}).json()

    assert changed["token_ttl"] == 60 and changed["export_page_size"] == 10
    assert st.control("GET", "options").json() == changed


def test_the_clock_moves_forward_on_request(st):
    before = st.control("GET", "clock").json()["now"]

    after = st.control("POST", "clock", {"advance": 3600}).json()["now"]

    assert after[:13] > before[:13]


def test_statistics_count_requests_per_endpoint(st):
    st.token()
    st.control("DELETE", "stats")
    st.get(CUSTOMERS)
    st.get(CUSTOMERS, page=2)
    st.get("/jpm/v2/tenant/{tenant}/export/jobs")

    stats = st.control("GET", "stats").json()

    assert stats["endpoints"] == {"/crm/v2/tenant/{tenant}/customers": 2,
                                  "/jpm/v2/tenant/{tenant}/export/jobs": 1}
    assert stats["total"] == 3 and stats["rate_limited"] == 0


def test_an_incremental_pass_with_nothing_changed_makes_one_request_per_resource(st):
    st.vendor.set_options(rate_limit=None)
    tokens = {r.name: st.export_all(r.path("export"))[1] for r in EXPORTED}
    st.vendor.clear_stats()

    for resource in EXPORTED:
        st.get(resource.path("export"), **{"from": tokens[resource.name]})

    assert set(st.vendor.stats()["endpoints"].values()) == {1}
    assert st.vendor.stats()["total"] == len(EXPORTED)


def test_counts_give_records_per_resource(st):
    counts = st.control("GET", "counts").json()

    assert counts["customers"] == 100
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")


def test_counts_include_created_records(st):
    st.vendor.create("customers", {})

    assert st.vendor.counts()["customers"] == 101


def test_reset_drops_changes_tokens_options_statistics_and_clock(st):
    token = st.token()
    original = st.vendor.get("customers", 10000001)
    st.vendor.update("customers", 10000001, {"name": "Changed"})
    st.vendor.create("customers", {})
    st.vendor.set_options(export_page_size=5)
    st.vendor.advance_clock(100_000)
    clock = st.vendor.now()

    assert st.control("POST", "reset").status_code == 200

    assert st.vendor.get("customers", 10000001) == original
    assert st.vendor.counts()["customers"] == 100
    assert st.vendor.options.export_page_size == 1000
    assert st.vendor.now() < clock
    assert st.vendor.stats() == {"endpoints": {}, "total": 0, "rate_limited": 0,
                                 "busiest_second": {"requests": 0, "at": None}}
    assert st.get(CUSTOMERS, token=token).status_code == 401
