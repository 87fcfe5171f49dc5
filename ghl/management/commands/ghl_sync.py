"""``manage.py ghl_sync [RESOURCE ...] [--full]``: GHL pipelines, users, contacts and
opportunities into the mirror, with a line of progress per page. Exit status 0 only when every
resource succeeded; 75 (EX_TEMPFAIL) when the only problem is another sync running."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ghl.client import GHLError
from ghl.models import SyncLog
from ghl.services.sync import RESOURCES, resolve, sync

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Sync GHL resources (all when none are named) into the ghl_* tables."

    def add_arguments(self, parser):
        parser.add_argument("resources", nargs="*", metavar="RESOURCE",
                            help=f"one of: {', '.join(RESOURCES)}")
        parser.add_argument("--full", action="store_true",
                            help="read contacts from the beginning, not from the watermark")

    def handle(self, *args, resources, full, **options):
        try:
            resolve(resources)
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
        try:
            logs = sync(resources, full=full, progress=self.progress)
        except GHLError as exc:  # e.g. the client could not be built from the settings
            raise CommandError(str(exc)) from None
        for entry in logs:
            self.report(entry)
        statuses = {entry.status for entry in logs} - {SyncLog.Status.SUCCESS}
        if statuses == {SyncLog.Status.BUSY}:
            raise CommandError("another sync is running; try again later",
                               returncode=EX_TEMPFAIL)
        if statuses:
            raise CommandError(f"sync not complete: {', '.join(sorted(statuses))}")

    def progress(self, entry: SyncLog) -> None:
        self.stdout.write(f"  {entry.resource}: page {entry.pages}, {entry.fetched} read, "
                          f"{entry.written} written")

    def report(self, entry: SyncLog) -> None:
        line = (f"{entry.resource}: {entry.get_status_display()} — {entry.fetched} read, "
                f"{entry.written} written in {entry.pages} page(s)")
        if entry.status == SyncLog.Status.SUCCESS:
            self.stdout.write(self.style.SUCCESS(line))
        else:
            self.stdout.write(self.style.ERROR(f"{line}: {entry.error}"))
