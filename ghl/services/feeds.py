"""Reading GHL's lists page by page. Each feed yields lists of records.

- Contacts: ``POST /contacts/search``, sorted by ``dateUpdated`` then id, paged with
  ``searchAfter`` from the first page on (``page`` stops at 10,000 records; the keyset never
  does). Incremental: a ``dateUpdated`` range filter from the saved watermark.
- Opportunities: ``GET /opportunities/search`` in GHL's default order, paged with ``startAfter`` and
  ``startAfterId`` from ``meta`` (never ``nextPageUrl``, which GHL builds with the wrong
  parameters). GHL offers no filter on update time here, so every sync reads them all.
- Pipelines (``GET /opportunities/pipelines``) and users (``GET /users/``): one call each.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ghl.client import GHLClient, GHLError
from ghl.services.records import parse_time

CONTACT_PAGE = 500      # GHL's maximum pageLimit
OPPORTUNITY_PAGE = 100  # GHL's maximum limit
Page = list[dict[str, Any]]


def contact_pages(client: GHLClient, *, since: datetime | None = None,
                  page_size: int | None = None) -> Iterator[Page]:
    page_size = page_size or CONTACT_PAGE
    body: dict[str, Any] = {"locationId": client.location_id, "pageLimit": page_size,
                            "sort": [{"field": "dateUpdated", "direction": "asc"}]}
    if since is not None:
        body["filters"] = [{"field": "dateUpdated", "operator": "range",
                            "value": {"gte": since.isoformat()}}]
    seen = 0
    while True:
        answer = client.post("/contacts/search", body)
        contacts = answer.get("contacts") or []
        seen += len(contacts)
        if contacts:
            yield contacts
        if len(contacts) < page_size or _reached(answer.get("total"), seen):
            return
        cursor = _search_after(contacts[-1])
        if cursor == body.get("searchAfter"):
            raise GHLError(200, "contact search did not advance past its cursor",
                           retryable=False, method="POST", path="/contacts/search")
        body["searchAfter"] = cursor


def _reached(total: Any, seen: int) -> bool:
    """Whether every match GHL counted has been read (saves asking for an empty page)."""
    return isinstance(total, int) and not isinstance(total, bool) and seen >= total


def _search_after(contact: dict[str, Any]) -> list[Any]:
    """The cursor after ``contact``. Where GHL puts it is unconfirmed: each result's own
    ``searchAfter`` when present, else the sort value (epoch ms) and the id."""
    if isinstance(contact.get("searchAfter"), list):
        return contact["searchAfter"]
    updated = parse_time(contact.get("dateUpdated"))
    return [int(updated.timestamp() * 1000) if updated else 0, contact["id"]]


def opportunity_pages(client: GHLClient, *, page_size: int | None = None) -> Iterator[Page]:
    page_size = page_size or OPPORTUNITY_PAGE
    params: dict[str, Any] = {"location_id": client.location_id, "limit": page_size}
    seen = 0
    while True:
        answer = client.get("/opportunities/search", **params)
        opportunities = answer.get("opportunities") or []
        seen += len(opportunities)
        if opportunities:
            yield opportunities
        meta = answer.get("meta") or {}
        if len(opportunities) < page_size or not meta.get("startAfterId") \
                or _reached(meta.get("total"), seen):
            return
        cursor = {"startAfter": meta.get("startAfter"), "startAfterId": meta["startAfterId"]}
        if cursor.items() <= params.items():
            raise GHLError(200, "opportunity search did not advance past its cursor",
                           retryable=False, method="GET", path="/opportunities/search")
        params.update(cursor)


def pipeline_pages(client: GHLClient) -> Iterator[Page]:
    yield client.get("/opportunities/pipelines", locationId=client.location_id).get(
        "pipelines") or []


def user_pages(client: GHLClient) -> Iterator[Page]:
    yield client.get("/users/", locationId=client.location_id).get("users") or []
