"""Which resource and kind (list or export) a request path names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.servicetitan.resources import RESOURCES, Resource

_PATH = re.compile(r"^/([a-z]+)/v2/tenant/([^/]+)/(.+?)/?$")
_TABLE = {
    (resource.module, tail): (resource, kind)
    for resource in RESOURCES
    for kind, tail in (("list", resource.list_path), ("export", resource.export_path))
    if tail is not None
}


@dataclass(frozen=True)
class Match:
    resource: Resource
    kind: str          # "list" or "export"
    tenant: str        # as written in the path
    template: str      # the path with {tenant}: the key of request statistics

    @property
    def name(self) -> str:
        return self.resource.name


def match(path: str) -> Match | None:
    found = _PATH.match(path)
    if found is None:
        return None
    module, tenant, tail = found.groups()
    entry = _TABLE.get((module, tail))
    if entry is None:
        return None
    resource, kind = entry
    return Match(resource, kind, tenant, resource.path(kind) or "")
