"""The ``worded_numbers`` data mode: the amounts and quantities the spec types as free strings
hold words in a share of the records, as people type them into ServiceTitan."""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator

from sandbox.servicetitan.resources import BY_NAME, RESOURCES
from sandbox.servicetitan.worded import WORDS

AMOUNT = re.compile(r"^-?\d+\.\d+$")
INVOICES = "/accounting/v2/tenant/{tenant}/export/invoices"
INVOICE_ITEMS = "/accounting/v2/tenant/{tenant}/export/invoice-items"
PAYMENTS = "/accounting/v2/tenant/{tenant}/export/payments"


def _alternatives(schema: dict) -> list[dict]:
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [found for alt in schema[key] for found in _alternatives(alt)]
    return [schema]


def _free_string(schema: dict) -> bool:
    types = schema.get("type")
    return "string" in (types if isinstance(types, list) else [types]) and "format" not in schema


def free_string_amounts(value: Any, schema: dict, path: str, found: set[str]) -> None:
    """Paths (``a.b``, ``a[].b``) where ``value`` holds an amount the schema calls a free
    string."""
    alternatives = _alternatives(schema)
    if isinstance(value, dict):
        for key, item in value.items():
            for alt in alternatives:
                if key in alt.get("properties", {}):
                    free_string_amounts(item, alt["properties"][key],
                                        f"{path}.{key}" if path else key, found)
    elif isinstance(value, list):
        for element in value:
            for alt in alternatives:
                if "items" in alt:
                    free_string_amounts(element, alt["items"], f"{path}[]", found)
    elif isinstance(value, str) and AMOUNT.match(value) and any(map(_free_string,
                                                                     alternatives)):
        found.add(path)


def declared(name: str) -> set[str]:
    """The worded fields of a resource, its embedded items' included."""
    fields = set(BY_NAME[name].worded)
    children = [r for r in RESOURCES if r.parent == name]
    return fields | {f"items[].{path}" for child in children for path in child.worded}


def paths(record: dict, path: str) -> list[Any]:
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        return [value for element in record[head[:-2]] for value in paths(element, rest)]
    return paths(record[head], rest) if rest else [record[head]]


def test_the_worded_fields_are_every_free_string_amount_the_tenant_sends(st_tenant, st_schemas):
    for resource in RESOURCES:
        template = resource.path("export") or resource.path("list")
        schema = st_schemas["endpoints"][template]["properties"]["data"]["items"]
        found: set[str] = set()
        for record in st_tenant[resource.name].values():
            free_string_amounts(record, schema, "", found)

        assert found == declared(resource.name), resource.name


def test_by_default_no_record_holds_words(st):
    st.vendor.set_options(rate_limit=None)
    invoices = st.export_all(INVOICES)[0]

    assert all(AMOUNT.match(value) for record in invoices
               for path in declared("invoices") for value in paths(record, path))


def test_with_every_record_worded_no_free_string_amount_is_a_number(st, st_schemas):
    st.vendor.set_options(rate_limit=None, worded_numbers=1.0)

    for template, name in ((INVOICES, "invoices"), (PAYMENTS, "payments")):
        pages = st.export_pages(template)
        values = [value for page in pages for record in page["data"]
                  for path in declared(name) for value in paths(record, path)]
        assert values and all(value in WORDS for value in values), name
        validator = Draft202012Validator(st_schemas["endpoints"][template])
        assert all(not list(validator.iter_errors(page)) for page in pages)


def test_a_share_words_some_records_and_always_the_same_ones(st):
    st.vendor.set_options(rate_limit=None, worded_numbers=0.25)

    first = st.export_all(INVOICE_ITEMS)[0]
    worded = {item["id"] for item in first if item["quantity"] in WORDS}

    assert 0 < len(worded) < len(first)
    assert {item["id"] for item in st.export_all(INVOICE_ITEMS)[0]
            if item["quantity"] in WORDS} == worded


def test_an_item_reads_the_same_in_its_invoice_and_in_the_item_export(st):
    st.vendor.set_options(rate_limit=None, worded_numbers=0.5)
    items = {item["id"]: item for item in st.export_all(INVOICE_ITEMS)[0]}

    embedded = [item for invoice in st.export_all(INVOICES)[0] for item in invoice["items"]]

    assert embedded and all(
        (item["quantity"], item["price"], item["total"]) == (
            items[item["id"]]["quantity"], items[item["id"]]["price"], items[item["id"]]["total"])
        for item in embedded)


def test_reset_turns_the_words_off(st):
    st.vendor.set_options(worded_numbers=1.0)
    st.vendor.reset()

    assert AMOUNT.match(st.vendor.get("payments", 120000001)["total"])
