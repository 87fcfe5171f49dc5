"""Query parameters of list and export requests, checked the way ServiceTitan's ASP.NET
binding does: every bad value is reported, field by field, in one 400 (RFC 7807 ``errors``).
Unknown parameters are ignored, as there."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.http import Request
from sandbox.servicetitan.resources import Resource
from sandbox.servicetitan.timefmt import parse

MAX_PAGE_SIZE = 5000
DEFAULT_PAGE_SIZE = 50
MAX_IDS = 50
ACTIVE_VALUES = {"true": True, "false": False, "any": None}
ACTIVE_STATE_VALUES = {"activeonly": True, "inactiveonly": False, "all": None}
BOUNDS = ("modifiedOnOrAfter", "modifiedBefore", "createdOnOrAfter", "createdBefore")


class BadRequest(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class ListQuery:
    page: int
    page_size: int
    include_total: bool
    bounds: tuple[int | None, ...]   # in BOUNDS order, µs
    active: bool | None              # None: any
    ids: tuple[int, ...] | None
    parent_id: int | None            # estimateId of the estimate items list


@dataclass(frozen=True)
class ExportQuery:
    start: str | int | None          # None: the beginning; int: a date (µs); str: a token
    include_recent: bool
    active: bool | None


class _Reader:
    def __init__(self, request: Request) -> None:
        self.request = request
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def integer(self, name: str, default: int | None, low: int, high: int) -> int | None:
        raw = self.request.arg(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            self.fail(name, f"The value '{raw}' is not valid.")
            return default
        if not low <= value <= high:
            self.fail(name, f"The field {name} must be between {low} and {high}.")
        return value

    def boolean(self, name: str) -> bool:
        raw = self.request.arg(name)
        if raw is None or raw == "":
            return False
        if raw.lower() not in ("true", "false"):
            self.fail(name, f"The value '{raw}' is not valid.")
            return False
        return raw.lower() == "true"

    def choice(self, name: str, values: dict, default: bool | None) -> bool | None:
        raw = self.request.arg(name)
        if raw is None or raw == "":
            return default
        if raw.lower() not in values:
            allowed = ", ".join(key.title() for key in values)
            self.fail(name, f"The value '{raw}' is not valid. Values: [{allowed}]")
            return default
        return values[raw.lower()]

    def date(self, name: str) -> int | None:
        raw = self.request.arg(name)
        if raw is None or raw == "":
            return None
        value = parse(raw)
        if value is None:
            self.fail(name, f"The value '{raw}' is not valid.")
        return value

    def ids(self, name: str) -> tuple[int, ...] | None:
        raw = self.request.arg(name)
        if raw is None or raw == "":
            return None
        try:
            values = tuple(int(part) for part in raw.split(",") if part.strip())
        except ValueError:
            self.fail(name, f"The value '{raw}' is not valid.")
            return None
        if len(values) > MAX_IDS:
            self.fail(name, f"No more than {MAX_IDS} ids can be requested at once.")
        return values

    def done(self) -> None:
        if self.errors:
            raise BadRequest(self.errors)


def list_query(request: Request, resource: Resource) -> ListQuery:
    read = _Reader(request)
    page = read.integer("page", 1, 1, 2**31 - 1)
    page_size = read.integer("pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    include_total = read.boolean("includeTotal")
    bounds = tuple(read.date(name) for name in BOUNDS)
    active: bool | None = True
    if resource.active_filter == "active":
        active = read.choice("active", ACTIVE_VALUES, True)
    elif resource.active_filter == "activeState":
        active = read.choice("activeState", ACTIVE_STATE_VALUES, True)
    ids = read.ids("ids")
    parent_id = None
    if resource.parent_param and resource.list_path:
        parent_id = read.integer(resource.parent_param, None, 1, 2**63 - 1)
    read.done()
    return ListQuery(page, page_size, include_total, bounds, active, ids, parent_id)


def export_query(request: Request, resource: Resource) -> ExportQuery:
    read = _Reader(request)
    raw = request.arg("from")
    start: str | int | None = None
    if raw:
        start = parse(raw) if raw[:4].isdigit() else raw
        if start is None:
            read.fail("from", f"The value '{raw}' is not a valid date.")
    include_recent = read.boolean("includeRecentChanges")
    active = read.choice("active", ACTIVE_VALUES, None) if resource.export_active else None
    read.done()
    return ExportQuery(start, include_recent, active)
