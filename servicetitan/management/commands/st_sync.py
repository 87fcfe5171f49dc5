"""``manage.py st_sync [RESOURCE ...] [--full] [--workers N]``: sync ServiceTitan into the
mirror with a live progress display. Exit status 0 only when every resource succeeded; 1
when one failed or had records rejected; 75 (EX_TEMPFAIL) when the only problem is that
another sync was already running some resource."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from servicetitan.progress import ProgressDisplay
from servicetitan.resources import RESOURCES, resolve
from servicetitan.sync import sync

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Sync ServiceTitan resources (all when none are named) into the st_* tables."

    def add_arguments(self, parser):
        parser.add_argument("resources", nargs="*", metavar="RESOURCE",
                            help=f"one of: {', '.join(r.name for r in RESOURCES)}")
        parser.add_argument("--full", action="store_true",
                            help="re-read everything from the beginning, not from the cursor")
        parser.add_argument("--workers", type=int, default=None,
                            help="resources synced in parallel (default ST_SYNC_WORKERS)")

    def handle(self, *args, resources, full, workers, **options):
        try:
            chosen = resolve(resources)
        except KeyError as exc:
            valid = ", ".join(r.name for r in RESOURCES)
            raise CommandError(f"unknown resource(s): {exc.args[0]}; valid: {valid}") from None
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1")
        display = ProgressDisplay(self.stdout, [r.name for r in chosen],
                                  tty=self.stdout.isatty())
        summary = sync(resources, full=full, workers=workers, progress=display.update)
        display.finish(summary)
        if summary.ok:
            return
        statuses = {outcome.status for outcome in summary.outcomes} - {"success"}
        if statuses == {"busy"}:
            raise CommandError("another sync is running; try again later",
                               returncode=EX_TEMPFAIL)
        raise CommandError(f"sync not complete: {', '.join(sorted(statuses))}")
