"""The workflow engine: events in, instances started, steps run.

    matching   the event outbox → cancel / wake / start (``process_events``)
    runner     claim due instances, run them, write results; sweep stale claims
    claims     renewing a batch's claims while it runs
    waits      saving a wait for an event without missing one processed meanwhile
    steprun    one claimed instance, step after step (retries, waits, branches)
    worker     the loop: drain, then sleep until NOTIFY / next due time / poll
    start      creating an instance;  context   the instance context layout
"""

from workflows.engine.matching import process_events
from workflows.engine.runner import Runner, sweep_stale_claims
from workflows.engine.worker import Totals, Worker

__all__ = ["Runner", "Totals", "Worker", "process_events", "sweep_stale_claims"]
