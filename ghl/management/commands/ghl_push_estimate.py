"""``manage.py ghl_push_estimate ID [ID ...]`` or ``--status Open [--limit N]``: push
estimates to GHL as opportunities, one line per estimate. Exit status 0 only when every push
succeeded."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ghl.client import GHLClient
from ghl.services.plan import PushError
from ghl.services.push import ghl_push_estimate
from servicetitan import models as st


class Command(BaseCommand):
    help = "Push ServiceTitan estimates to GHL as opportunities (create, or update the same)."

    def add_arguments(self, parser):
        parser.add_argument("estimate_ids", nargs="*", type=int, metavar="ESTIMATE_ID")
        parser.add_argument("--status", help="push every active estimate in this status "
                                             "(Open, Sold, Dismissed)")
        parser.add_argument("--limit", type=int, default=None,
                            help="with --status: at most this many, newest first")

    def handle(self, *args, estimate_ids, status, limit, **options):
        if bool(estimate_ids) == bool(status):
            raise CommandError("give estimate ids or --status, not both or neither")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        ids = estimate_ids or list(
            st.Estimate.objects.filter(status=status, active=True)
            .order_by("-modified_on", "-id").values_list("id", flat=True)[:limit])
        client = GHLClient()
        failed = sum(not self.push_one(estimate_id, client) for estimate_id in ids)
        if failed:
            raise CommandError(f"{failed} of {len(ids)} estimate(s) could not be pushed")
        self.stdout.write(f"{len(ids)} estimate(s) pushed")

    def push_one(self, estimate_id: int, client: GHLClient) -> bool:
        try:
            result = ghl_push_estimate(estimate_id=estimate_id, client=client)
        except PushError as exc:
            self.stdout.write(self.style.ERROR(f"estimate {estimate_id}: {exc}"))
            return False
        verb = "created" if result.created else "updated"
        note = (f" (sold-by {result.unmapped_sold_by} has no GHL user: unassigned)"
                if result.unmapped_sold_by else "")
        self.stdout.write(self.style.SUCCESS(
            f"estimate {estimate_id}: opportunity {result.opportunity_id} {verb}{note}"))
        return True
