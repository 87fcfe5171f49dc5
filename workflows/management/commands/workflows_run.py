"""``manage.py workflows_run [--once]``: the workflow worker in the foreground.

Without ``--once`` it runs until SIGTERM/SIGINT (finishing the batch in hand), waking on
PostgreSQL NOTIFY, the next due time, or every ``--poll`` seconds.
"""

from __future__ import annotations

import signal
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from workflows.engine import Worker


def positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise CommandError(f"{text!r} is not a number") from None
        if value <= 0:
            raise CommandError(f"{text!r} must be greater than zero")
        return value
    return parse


class Command(BaseCommand):
    help = "Run the workflow engine: consume events, run due steps."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="drain what is due now, then exit")
        parser.add_argument("--batch", type=positive(int), default=100,
                            help="instances claimed per batch (default 100)")
        parser.add_argument("--lease", type=positive(int), default=300,
                            help="seconds a claim lasts unless renewed (every third of it "
                                 "while its batch runs) before another worker may take it")
        parser.add_argument("--poll", type=positive(float), default=5.0,
                            help="seconds between polls when no NOTIFY arrives")
        parser.add_argument("--duration", type=positive(float), default=None,
                            help="stop after this many seconds")

    def handle(self, *args, once, batch, lease, poll, duration, **options):
        worker = Worker(batch_size=batch, lease=timedelta(seconds=lease), poll_interval=poll)
        if once:
            self.stdout.write(f"drained: {worker.drain()}")
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: worker.stop())
        self.stdout.write(f"workflow worker {worker.name} running", ending="\n")
        self.stdout.flush()
        totals = worker.run(duration=duration, report=self.report if options["verbosity"] > 1
                            else None)
        self.stdout.write(f"stopped: {totals}")

    def report(self, totals) -> None:
        self.stdout.write(f"drained: {totals}")
        self.stdout.flush()
