"""The workflow back office: definitions (validated JSON editor, preview, backtest, export),
instances (status at a glance, timeline, retry / skip / cancel) and events (what each event
matched, explain)."""

from workflows.admin import definitions, events, instances  # noqa: F401 (registers)
