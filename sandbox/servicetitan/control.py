"""The control API over HTTP, under ``/servicetitan/_control/`` (JSON in and out).

    POST   /_control/reset                       back to the initial state
    POST   /_control/expire-tokens               every issued token stops working
    GET    /_control/options                     current options
    POST   /_control/options      {name: value}  set options (token_ttl, recent_delay, …)
    GET    /_control/stats                       requests per endpoint, the busiest second
                                                 (requests in it, refused included), 429s
    DELETE /_control/stats                       forget them
    GET    /_control/counts                      records per resource
    GET    /_control/clock                       the sandbox time
    POST   /_control/clock        {"advance": s} move the clock forward s seconds
    POST   /_control/records/{resource}            {fields}  create (201)
    GET    /_control/records/{resource}/{id}                 the current record
    PATCH  /_control/records/{resource}/{id}       {fields}  update fields
    PUT    /_control/records/{resource}/{id}       any JSON  replace the raw record
    POST   /_control/records/{resource}/{id}/deactivate

Errors are ``{"error": reason}`` with 400 (bad input), 404 (unknown resource or id) or 409.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.http import Request, Response, json_response
from sandbox.servicetitan.store import ControlError

if TYPE_CHECKING:
    from sandbox.servicetitan.app import ServiceTitanSandbox

Action = Callable[["ServiceTitanSandbox", dict, Any], Any]


def _record_id(text: str) -> int:
    if not text.isdigit():
        raise ControlError(404, f"no record with id {text!r}")
    return int(text)


def _object(body: Any) -> dict:
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


def _reset(sandbox: ServiceTitanSandbox, _match: dict, _body: Any) -> dict:
    sandbox.reset()
    return {"reset": True}


def _expire(sandbox: ServiceTitanSandbox, _match: dict, _body: Any) -> dict:
    sandbox.expire_tokens()
    return {"expired": True}


def _advance(sandbox: ServiceTitanSandbox, _match: dict, body: Any) -> dict:
    return {"now": sandbox.advance_clock(_object(body).get("advance"))}


ROUTES: tuple[tuple[str, str, Action, int], ...] = (
    ("POST", r"/_control/reset", _reset, 200),
    ("POST", r"/_control/expire-tokens", _expire, 200),
    ("GET", r"/_control/options", lambda s, m, b: s.options.as_dict(), 200),
    ("POST", r"/_control/options", lambda s, m, b: s.set_options(**_object(b)), 200),
    ("GET", r"/_control/stats", lambda s, m, b: s.stats(), 200),
    ("DELETE", r"/_control/stats", lambda s, m, b: s.clear_stats() or {"cleared": True}, 200),
    ("GET", r"/_control/counts", lambda s, m, b: s.counts(), 200),
    ("GET", r"/_control/clock", lambda s, m, b: {"now": s.now()}, 200),
    ("POST", r"/_control/clock", _advance, 200),
    ("POST", r"/_control/records/(?P<resource>\w+)",
     lambda s, m, b: s.create(m["resource"], _object(b)), 201),
    ("GET", r"/_control/records/(?P<resource>\w+)/(?P<id>[^/]+)",
     lambda s, m, b: s.get(m["resource"], _record_id(m["id"])), 200),
    ("PATCH", r"/_control/records/(?P<resource>\w+)/(?P<id>[^/]+)",
     lambda s, m, b: s.update(m["resource"], _record_id(m["id"]), _object(b)), 200),
    ("PUT", r"/_control/records/(?P<resource>\w+)/(?P<id>[^/]+)",
     lambda s, m, b: s.replace(m["resource"], _record_id(m["id"]), b), 200),
    ("POST", r"/_control/records/(?P<resource>\w+)/(?P<id>[^/]+)/deactivate",
     lambda s, m, b: s.deactivate(m["resource"], _record_id(m["id"])), 200),
)


def handle(sandbox: ServiceTitanSandbox, request: Request) -> Response:
    path = request.path.rstrip("/")
    allowed = []
    for method, pattern, action, status in ROUTES:
        found = re.fullmatch(pattern, path)
        if found is None:
            continue
        if method != request.method:
            allowed.append(method)
            continue
        try:
            body = request.json() if request.body else None
            return json_response(action(sandbox, found.groupdict(), body), status=status)
        except ValueError as error:  # not UTF-8, or not JSON
            return json_response({"error": f"the body is not JSON: {error}"}, status=400)
        except ControlError as error:
            return json_response({"error": error.message}, status=error.status)
    if allowed:
        return json_response({"error": f"use {' or '.join(allowed)}"}, status=405,
                             headers={"Allow": ", ".join(allowed)})
    return json_response({"error": f"no control endpoint at {request.path}"}, status=404)
