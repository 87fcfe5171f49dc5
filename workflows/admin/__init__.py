"""The workflow back office: definitions (a form editor over the validated JSON, preview,
backtest, export; an audience's members, explain and run log), instances (status at a glance,
timeline, retry / skip / cancel), events (what each event matched, explain) and audience runs
(read-only)."""

from workflows.admin import definitions, events, instances  # noqa: F401 (registers)
