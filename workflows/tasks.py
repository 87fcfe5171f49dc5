"""django-q2 entry points (thin: they call the engine).

The engine's long-running listener is its own process (``manage.py workflows_run``: a
systemd unit, a Procfile line, a ``make run`` child) because a django-q2 task cannot be
interrupted: a listener running as a task would hold up every cluster shutdown for minutes.
The cluster runs ``tick`` every minute instead, a bounded drain of whatever is due, so events
and due steps still move (within a minute) if the listener is down.
"""

from __future__ import annotations

from workflows.audiences.evaluation import evaluate_due_audiences
from workflows.engine import Worker

TICK_SECONDS = 50.0  # well inside the cluster's task timeout, and before the next tick


def tick() -> str:
    """Drain what is due now (for at most ``TICK_SECONDS``) and return. Safe beside running
    listeners: events and instances are claimed with row locks, so nothing is processed
    twice; a backlog left over is the next tick's (or the listener's)."""
    return f"drained: {Worker().drain(max_seconds=TICK_SECONDS)}"


def evaluate_audiences() -> str:
    """Evaluate the audiences whose daily time has come and that were not evaluated today
    (each under its definition's lock: a second cluster worker skips it)."""
    runs = evaluate_due_audiences()
    return f"{len(runs)} audience(s) evaluated: " + ", ".join(
        f"definition {r.definition_id} {r.status} ({r.entered} entered)" for r in runs)


# What the task queue may run (config/taskqueue.py).
TASKS = (tick, evaluate_audiences)
