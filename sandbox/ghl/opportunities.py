"""``/opportunities/...``: pipelines, search with keyset paging, get, create, update, status.

Shapes from opportunities.json. Handlers return ``(status, body)`` or raise ``GHLError``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sandbox.ghl.data import epoch_ms
from sandbox.ghl.store import GHLError
from sandbox.http import Request

if TYPE_CHECKING:
    from sandbox.ghl.app import GHLSandbox

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
STATUS_FILTERS = ("open", "won", "lost", "abandoned", "all")
# Query parameter -> opportunity field, for the exact-match filters.
EXACT_FILTERS = {"pipeline_id": "pipelineId", "pipeline_stage_id": "pipelineStageId",
                 "contact_id": "contactId", "assigned_to": "assignedTo", "id": "id"}


def pipelines(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    ghl.require_location(request.arg("locationId"), "locationId")
    return 200, {"pipelines": copy.deepcopy(ghl.state.pipelines)}


def search(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    """``GET /opportunities/search`` -> ``{opportunities, meta, aggregations}``.

    Ordered by creation time then id (``order=added_asc|added_desc``; the default,
    newest first, is unconfirmed). Keyset paging: ``startAfter`` (epoch ms) and
    ``startAfterId`` of the last opportunity of the previous page, as ``meta`` returns them;
    without them, ``page`` pages by offset.
    """
    ghl.require_location(request.arg("location_id"), "location_id")
    limit, page, start_after, start_after_id, descending = _paging(request)
    with ghl.state.lock:
        found = sorted((o for o in ghl.state.opportunities.values() if _matches(o, request, ghl)),
                       key=_key, reverse=descending)
        if start_after is not None:
            rest = [o for o in found if _beyond(_key(o), start_after, start_after_id, descending)]
        else:
            rest = found[(page - 1) * limit:]
        selected, more = rest[:limit], len(rest) > limit
        rendered = [ghl.state.render_opportunity(o) for o in selected]
    last = selected[-1] if selected else None
    meta = {
        "total": len(found), "currentPage": page, "nextPage": page + 1 if more else None,
        "prevPage": page - 1 if page > 1 else None,
        "startAfter": _key(last)[0] if last else None, "startAfterId": last["id"] if last else None,
        "nextPageUrl": _next_url(ghl, request, last, page) if more else None,
    }
    return 200, {"opportunities": rendered, "meta": meta, "aggregations": {}}


def _paging(request: Request) -> tuple[int, int, int | None, str | None, bool]:
    errors = []
    limit = _integer(request.arg("limit"), "limit", errors, default=DEFAULT_LIMIT)
    page = _integer(request.arg("page"), "page", errors, default=1)
    start_after = _integer(request.arg("startAfter"), "startAfter", errors, default=None)
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        errors.append(f"limit must be between 1 and {MAX_LIMIT}")
    if page is not None and page < 1:
        errors.append("page must not be less than 1")
    if request.arg("status") not in (None, *STATUS_FILTERS):
        errors.append(f"status must be one of the following values: {', '.join(STATUS_FILTERS)}")
    order = request.arg("order") or "added_desc"
    if order not in ("added_asc", "added_desc"):
        errors.append("order must be one of the following values: added_asc, added_desc")
    if errors:
        raise GHLError(422, errors)
    return limit, page, start_after, request.arg("startAfterId") or None, order == "added_desc"


def _integer(raw: str | None, name: str, errors: list[str], default: int | None) -> int | None:
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        errors.append(f"{name} must be a number")
        return default


def _matches(opportunity: dict[str, Any], request: Request, ghl: GHLSandbox) -> bool:
    for param, field in EXACT_FILTERS.items():
        wanted = request.arg(param)
        if wanted and opportunity.get(field) != wanted:
            return False
    status = request.arg("status")
    if status and status != "all" and opportunity["status"] != status:
        return False
    query = (request.arg("q") or "").lower()
    if query:
        contact = ghl.state.contacts.get(opportunity["contactId"]) or {}
        texts = (opportunity.get("name"), contact.get("name"), contact.get("email"),
                 contact.get("phone"))
        return any(query in (text or "").lower() for text in texts)
    return True


def _key(opportunity: dict[str, Any]) -> tuple[int, str]:
    return epoch_ms(opportunity["createdAt"]), opportunity["id"]


def _beyond(key: tuple[int, str], after: int, after_id: str | None, descending: bool) -> bool:
    """Whether an opportunity comes after the cursor in the listing order."""
    if after_id is None:  # a timestamp alone: strictly past that millisecond
        return key[0] < after if descending else key[0] > after
    return key < (after, after_id) if descending else key > (after, after_id)


def _next_url(ghl: GHLSandbox, request: Request, last: dict[str, Any], page: int) -> str:
    query = {name: values[-1] for name, values in request.query.items()}
    query.update(startAfter=str(_key(last)[0]), startAfterId=last["id"], page=str(page + 1))
    host = request.headers.get("host", "127.0.0.1")
    return f"http://{host}{ghl.mount}/opportunities/search?{urlencode(query)}"


def get(ghl: GHLSandbox, request: Request, opportunity_id: str) -> tuple[int, dict[str, Any]]:
    with ghl.state.lock:
        return 200, {"opportunity": ghl.state.render_opportunity(
            ghl.state.opportunity(opportunity_id))}


def create(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    """``POST /opportunities/`` -> 201 ``{opportunity}``."""
    body = ghl.json_body(request, "CreateOpportunityDto")
    with ghl.state.lock:
        if not ghl.options.allow_duplicate_opportunities and any(
                o["contactId"] == body["contactId"] and o["pipelineId"] == body["pipelineId"]
                for o in ghl.state.opportunities.values()):
            # The location's "allow duplicate opportunities" setting is off (message unconfirmed).
            raise GHLError(400, "Can not create duplicate opportunity for the contact.")
        opportunity, events = ghl.state.create_opportunity(body)
        result = ghl.state.render_opportunity(opportunity)
    ghl.api_changed(events, result, "opportunity")
    return 201, {"opportunity": result}


def update(ghl: GHLSandbox, request: Request, opportunity_id: str) -> tuple[int, dict[str, Any]]:
    body = ghl.json_body(request, "UpdateOpportunityDto")
    return _change(ghl, opportunity_id, body, lambda result: {"opportunity": result})


def update_status(ghl: GHLSandbox, request: Request,
                  opportunity_id: str) -> tuple[int, dict[str, Any]]:
    body = ghl.json_body(request, "UpdateOpportunityStatusDto")
    return _change(ghl, opportunity_id, body, lambda result: {"succeded": True})


def delete(ghl: GHLSandbox, request: Request, opportunity_id: str) -> tuple[int, dict[str, Any]]:
    with ghl.state.lock:
        opportunity, events = ghl.state.delete_opportunity(opportunity_id)
    ghl.api_changed(events, opportunity, "opportunity")
    return 200, {"succeded": True}


def _change(ghl: GHLSandbox, opportunity_id: str, body: dict[str, Any],
            answer) -> tuple[int, dict[str, Any]]:
    with ghl.state.lock:
        opportunity, events = ghl.state.update_opportunity(opportunity_id, body)
        result = ghl.state.render_opportunity(opportunity)
    ghl.api_changed(events, result, "opportunity")
    return 200, answer(result)
