import pytest

from servicetitan.convert import RecordError
from servicetitan.resources import BY_NAME, ESTIMATE_ITEM
from servicetitan.rows import NUL_WARNING

CUSTOMERS = BY_NAME["customers"].shape
ESTIMATES = BY_NAME["estimates"].shape


def customer(**fields):
    return {"id": 10000001, "active": True, "name": "Ana Ruiz", "type": "Residential",
            "address": {"street": "1 Main St", "city": "Orlando", "state": "FL",
                        "zip": "32801"}, "balance": "12.50", "doNotMail": False,
            "doNotService": False, "createdOn": "2024-01-03T22:11:50Z",
            "modifiedOn": "2024-01-05T03:52:01Z", "mergedToId": None, **fields}


def test_a_row_holds_the_typed_columns_of_the_record():
    row = CUSTOMERS.row(customer())
    assert row.values["city"] == "Orlando" and str(row.values["balance"]) == "12.50"
    assert row.values["id"] == row.id == 10000001


def test_a_row_keeps_the_record_as_received():
    record = customer(customFields=[{"name": "Referral", "value": "Neighbor"}])
    assert CUSTOMERS.row(record).raw is record


def test_the_digest_ignores_key_order():
    record = customer()
    shuffled = dict(reversed(list(record.items())))
    assert CUSTOMERS.row(record).digest == CUSTOMERS.row(shuffled).digest


def test_the_digest_changes_with_any_field_even_untyped_ones():
    assert CUSTOMERS.row(customer()).digest != CUSTOMERS.row(customer(taxExempt=True)).digest


def test_a_value_that_does_not_fit_is_null_with_a_warning_naming_the_field():
    row = CUSTOMERS.row(customer(balance="lots"))
    assert row.values["balance"] is None and row.raw["balance"] == "lots"
    assert row.warnings == ("balance: 'lots' is not a number; stored as NULL",)


def test_a_text_column_given_an_object_holds_empty_text():
    row = CUSTOMERS.row(customer(name={"first": "Ana"}))
    assert row.values["name"] == ""
    assert row.warnings == ("name: {'first': 'Ana'} is not text; stored as empty text",)


def test_a_do_not_mail_flag_that_is_not_a_boolean_counts_as_set():
    row = CUSTOMERS.row(customer(doNotMail="yes"))
    assert row.values["do_not_mail"] is True
    assert row.warnings == ("doNotMail: 'yes' is not true or false; stored as true",)


def test_a_row_that_fits_has_no_warnings():
    assert CUSTOMERS.row(customer()).warnings == ()


def test_the_digest_of_a_coerced_record_is_that_of_its_raw_json():
    assert CUSTOMERS.row(customer(balance="lots")).digest == CUSTOMERS.row(
        customer(balance="lots")).digest != CUSTOMERS.row(customer(balance="lot")).digest


@pytest.mark.parametrize("bad", [None, "abc", 0, -5, 2**64])
def test_a_record_without_a_usable_id_is_refused(bad):
    with pytest.raises(RecordError, match=r"^id: "):
        CUSTOMERS.row(customer(id=bad))


def test_a_record_that_is_not_an_object_is_refused():
    with pytest.raises(RecordError, match="not a JSON object"):
        CUSTOMERS.row(["not", "a", "record"])


def test_a_nul_character_is_stored_as_a_replacement_character_with_a_warning():
    row = CUSTOMERS.row(customer(name="Ana\x00Ruiz", memo={"k\x00": "\\\x00"}))
    assert row.values["name"] == "Ana\ufffdRuiz" and row.raw["name"] == "Ana\ufffdRuiz"
    assert row.raw["memo"] == {"k\ufffd": "\\\ufffd"} and "\\u0000" not in row.raw_json
    assert row.warnings == (NUL_WARNING,)


def test_an_escaped_backslash_before_u0000_is_ordinary_text():
    assert CUSTOMERS.row(customer(name="C:\\u0000")).values["name"] == "C:\\u0000"


def test_integers_beyond_64_bits_stay_exact_in_the_raw_json():
    row = CUSTOMERS.row(customer(externalData=[{"key": "big", "value": 2**100}]))
    assert str(2**100) in row.raw_json


def test_the_estimate_total_is_subtotal_plus_tax():
    estimate = {"id": 80000001, "subtotal": 320.0, "tax": 21.38, "status": {"name": "Open"}}
    assert str(ESTIMATES.row(estimate).values["total"]) == "341.38"


def test_an_estimate_total_is_unknown_when_its_tax_is_not_a_number():
    estimate = {"id": 80000001, "subtotal": 320.0, "tax": "TBD", "status": {"name": "Open"}}
    values = ESTIMATES.row(estimate).values
    assert str(values["subtotal"]) == "320.00" and values["tax"] is values["total"] is None


def test_an_embedded_item_takes_its_parent_id_from_extra():
    item = {"id": 90000001, "sku": {"id": 5021, "name": "TRIP"}, "qty": 1.0, "total": 59.0}
    row = ESTIMATE_ITEM.row(item, {"estimate_id": 80000001})
    assert row.values["estimate_id"] == 80000001 and row.values["active"] is True
