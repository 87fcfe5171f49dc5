"""Error responses in ServiceTitan's RFC 7807 shape: ``{type, title, status, traceId, errors,
data}`` (the spec's ``ApiErrorResponse``)."""

from __future__ import annotations

import uuid

from sandbox.http import Response, json_response

_TYPES = {
    400: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    401: "https://tools.ietf.org/html/rfc7235#section-3.1",
    404: "https://tools.ietf.org/html/rfc7231#section-6.5.4",
    405: "https://tools.ietf.org/html/rfc7231#section-6.5.5",
    429: "https://tools.ietf.org/html/rfc6585#section-4",
}
_TITLES = {
    400: "One or more validation errors occurred.",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
}


def problem(status: int, errors: dict[str, list[str]] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    body = {
        "type": _TYPES[status],
        "title": _TITLES[status],
        "status": status,
        "traceId": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-00",
        "errors": errors or {},
        "data": {},
    }
    return json_response(body, status=status, headers=headers)
