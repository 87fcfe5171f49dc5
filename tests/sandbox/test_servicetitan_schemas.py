"""Every list and export endpoint answers with data valid against the spec's 200-response
schema (extracted by scripts/extract_st_schemas.py), for every record of the tenant."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.sandbox.conftest import EXPORTED, LISTED

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?(Z|[+-]\d\d:\d\d)$")
formats = FormatChecker(["date", "email"])


@formats.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


def _validator(st_schemas: dict, template: str) -> Draft202012Validator:
    return Draft202012Validator(st_schemas["endpoints"][template], format_checker=formats)


def _errors(validator: Draft202012Validator, body: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)][:5]


def test_every_served_endpoint_has_an_extracted_schema(st_schemas):
    served = {r.path("list") for r in LISTED} | {r.path("export") for r in EXPORTED}

    assert served == set(st_schemas["endpoints"])


@pytest.mark.parametrize("resource", LISTED, ids=lambda r: r.name)
def test_list_pages_validate_against_the_spec(st, st_schemas, resource):
    st.vendor.set_options(rate_limit=None)
    validator = _validator(st_schemas, resource.path("list"))
    page, has_more = 1, True
    while has_more:
        body = st.get(resource.path("list"), page=page, pageSize=500, active="Any",
                      activeState="All").json()
        assert _errors(validator, body) == []
        page, has_more = page + 1, body["hasMore"]


@pytest.mark.parametrize("resource", EXPORTED, ids=lambda r: r.name)
def test_export_pages_validate_against_the_spec(st, st_schemas, resource):
    st.vendor.set_options(rate_limit=None)
    validator = _validator(st_schemas, resource.path("export"))

    for body in st.export_pages(resource.path("export")):
        assert _errors(validator, body) == []


def test_a_validation_error_body_matches_the_spec_error_schema(st, st_schemas):
    body = st.get("/crm/v2/tenant/{tenant}/customers", pageSize=5001).json()

    assert _errors(Draft202012Validator(st_schemas["error"]), body) == []


def test_a_schema_catches_a_wrongly_typed_field(st, st_schemas):
    """The fixture really constrains types: a string id fails validation."""
    body = st.get("/crm/v2/tenant/{tenant}/customers", pageSize=1).json()
    body["data"][0]["id"] = "10000001"

    assert _errors(_validator(st_schemas, "/crm/v2/tenant/{tenant}/customers"), body)


def test_a_schema_catches_a_malformed_date_time(st, st_schemas):
    body = st.get("/crm/v2/tenant/{tenant}/customers", pageSize=1).json()
    body["data"][0]["createdOn"] = "not a date"

    assert _errors(_validator(st_schemas, "/crm/v2/tenant/{tenant}/customers"), body)
