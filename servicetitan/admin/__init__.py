"""The ServiceTitan back office: read-only mirrors, the sync log and the cursors."""

from servicetitan.admin import bookkeeping, mirrors  # noqa: F401  (registers the admins)
