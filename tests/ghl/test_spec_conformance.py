"""Every request we send GHL carries the headers and the fields its spec requires: a whole
sync, a push, a stage move and a DND change, checked request by request."""

import re

import pytest

from ghl.client import API_VERSION
from ghl.services import dnd
from ghl.services.opportunities import ghl_update_opportunity
from ghl.services.push import ghl_push_estimate
from ghl.services.sync import sync
from sandbox.ghl.validation import SCHEMAS

pytestmark = pytest.mark.django_db

# (method, path pattern) → (required query parameters, the body's schema or None), from
# the shared specs (contacts.json, opportunities.json; GET /users/ is not in them).
OPERATIONS = {
    ("POST", r"/contacts/search"): ((), "SearchContactsBody"),
    ("POST", r"/contacts/upsert"): ((), "UpsertContactDto"),
    ("PUT", r"/contacts/[^/]+"): ((), "UpdateContactDto"),
    ("GET", r"/opportunities/pipelines"): (("locationId",), None),
    ("GET", r"/opportunities/search"): (("location_id",), None),
    ("POST", r"/opportunities/?"): ((), "CreateOpportunityDto"),
    ("PUT", r"/opportunities/[^/]+"): ((), "UpdateOpportunityDto"),
    ("GET", r"/users/?"): (("locationId",), None),
}


def operation(request: dict) -> tuple[tuple[str, ...], str | None]:
    for (method, pattern), spec in OPERATIONS.items():
        if request["method"] == method and re.fullmatch(pattern, request["path"]):
            return spec
    raise AssertionError(f"a request no operation describes: {request['method']} "
                         f"{request['path']}")


def test_every_request_carries_what_the_spec_requires(ghl, ghl_client, estimate, settings):
    sync(client=ghl_client)
    ghl_push_estimate(estimate_id=estimate.id, client=ghl_client)
    ghl_update_opportunity(estimate_id=estimate.id, stage="Follow-up", client=ghl_client)
    dnd.set_sms_dnd("+14075550142", True, ghl_client)
    requests = ghl.requests()
    assert {(r["method"], r["path"].split("/")[1]) for r in requests} >= {
        ("POST", "contacts"), ("PUT", "contacts"), ("GET", "opportunities"),
        ("POST", "opportunities"), ("PUT", "opportunities"), ("GET", "users")}
    for request in requests:
        assert request["headers"]["authorization"] == f"Bearer {settings.GHL.token}"
        assert request["headers"]["version"] == API_VERSION
        query, schema = operation(request)
        assert set(query) <= set(request["query"]), request
        if schema:
            assert set(SCHEMAS[schema].get("required", [])) <= set(request["json"]), request
        assert request["status"] < 400, request
