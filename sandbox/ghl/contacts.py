"""``/contacts/...``: search, get, upsert and update, with GHL's shapes (contacts.json).

Each handler takes the sandbox and the request (plus path parameters) and returns
``(status, body)``; errors are raised as ``GHLError``.
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from sandbox.ghl.filters import compile_filters, cursor_value, sort_key
from sandbox.ghl.store import GHLError, normalize_phone
from sandbox.http import Request

if TYPE_CHECKING:
    from sandbox.ghl.app import GHLSandbox

MAX_PAGE_LIMIT = 500
MAX_PAGED_RECORDS = 10_000  # page * pageLimit beyond this needs searchAfter


def search(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    """``POST /contacts/search`` -> ``{contacts, total}``.

    Page with ``page`` + ``pageLimit`` (up to 10,000 records) or with ``searchAfter``: the
    ``searchAfter`` value of the last contact of the previous page. Results omit
    ``dndSettings`` (read one contact to see them), as GHL's do. Each result carries its
    ``searchAfter`` cursor ([sort value, id]); where GHL puts the cursor is unconfirmed.
    """
    body = ghl.json_body(request, "SearchContactsBody")
    limit, page, after = _paging(body)
    sort = body.get("sort") or []
    key, descending = sort_key(sort)
    matches = compile_filters(body.get("filters") or [])
    query = (body.get("query") or "").lower()
    with ghl.state.lock:
        found = [c for c in ghl.state.contacts.values() if matches(c) and _has(c, query)]
        found.sort(key=key, reverse=descending)
        if after is not None:
            cursor = (cursor_value(after[0], sort), after[1])
            found_page = [c for c in found if (key(c) < cursor if descending else key(c) > cursor)]
            selected = found_page[:limit]
        else:
            selected = found[(page - 1) * limit: page * limit]
        contacts = [_search_result(c, key) for c in selected]
    return 200, {"contacts": contacts, "total": len(found)}


def _paging(body: dict[str, Any]) -> tuple[int, int, list[Any] | None]:
    limit, page, after = body["pageLimit"], body.get("page"), body.get("searchAfter")
    errors = []
    if limit > MAX_PAGE_LIMIT:
        errors.append(f"pageLimit must not be greater than {MAX_PAGE_LIMIT}")
    if limit < 1:
        errors.append("pageLimit must not be less than 1")
    if page is not None and page < 1:
        errors.append("page must not be less than 1")
    if after is not None and (len(after) != 2 or not isinstance(after[1], str)):
        errors.append("searchAfter must be [sort value, contact id]")
    if after is not None and page is not None:
        errors.append("page and searchAfter cannot be used together")  # wording unconfirmed
    if errors:
        raise GHLError(422, errors)
    page = int(page or 1)
    if after is None and page * limit > MAX_PAGED_RECORDS:
        raise GHLError(422, [f"page * pageLimit must not exceed {MAX_PAGED_RECORDS}: "
                             f"use searchAfter to read further"])
    return int(limit), page, after


def _has(contact: dict[str, Any], query: str) -> bool:
    if not query:
        return True
    haystack = (contact.get("fullNameLowerCase"), contact.get("emailLowerCase"),
                contact.get("phone"), (contact.get("companyName") or "").lower())
    return any(query in (text or "") for text in haystack)


def _search_result(contact: dict[str, Any], key) -> dict[str, Any]:
    result = {k: copy.deepcopy(v) for k, v in contact.items() if k != "dndSettings"}
    result["searchAfter"] = list(key(contact))
    return result


def get(ghl: GHLSandbox, request: Request, contact_id: str) -> tuple[int, dict[str, Any]]:
    with ghl.state.lock:
        return 200, {"contact": copy.deepcopy(ghl.state.contact(contact_id))}


def upsert(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    """``POST /contacts/upsert``: update the contact the location's duplicate rule finds
    (email first, then phone), else create one. When email and phone point at two different
    contacts, the email's contact is updated and the phone left out, as GHL documents."""
    body = ghl.json_body(request, "UpsertContactDto")
    phone = normalize_phone(body["phone"]) if body.get("phone") else None
    with ghl.state.lock:
        match = ghl.state.find_duplicate(body.get("email"), phone)
        if match is None:
            contact, events = ghl.state.create_contact(body)
        else:
            fields = dict(body)
            owner = ghl.state.find_duplicate(None, phone)
            if owner is not None and owner["id"] != match["id"]:
                fields.pop("phone")
            contact, events = ghl.state.update_contact(match["id"], fields)
        result = copy.deepcopy(contact)
    ghl.api_changed(events, result, "contact")
    # 200 for both outcomes: the spec lists no 201 for upsert.
    return 200, {"new": match is None, "contact": result, "traceId": str(uuid.uuid4())}


def update(ghl: GHLSandbox, request: Request, contact_id: str) -> tuple[int, dict[str, Any]]:
    """``PUT /contacts/{id}`` -> ``{succeded, contact}`` (sic, the spec's spelling)."""
    body = ghl.json_body(request, "UpdateContactDto")
    with ghl.state.lock:
        contact, events = ghl.state.update_contact(contact_id, body)
        result = copy.deepcopy(contact)
    ghl.api_changed(events, result, "contact")
    return 200, {"succeded": True, "contact": result}


def users(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    """``GET /users/?locationId=`` (not in the shared specs: shape unconfirmed)."""
    ghl.require_location(request.arg("locationId"), "locationId")
    return 200, {"users": copy.deepcopy(ghl.state.users)}
