"""django-q2 tasks: thin wrappers over the GHL services (ids and names in, statuses out)."""

from __future__ import annotations

from ghl.services.sync import sync


def sync_all() -> dict[str, str]:
    """The scheduled run: every resource, contacts from their watermark. A resource still
    being synced by an earlier run is skipped ("busy")."""
    return {entry.resource: str(entry.status) for entry in sync()}
