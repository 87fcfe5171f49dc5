"""``manage.py workflow_backtest DEFINITION --since 30d``: how many instances a definition
would have started from the stored events, or (an audience trigger) by its daily evaluations
over those days (nothing is written)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workflows.audiences.backtest import backtest_audience
from workflows.audiences.evaluation import audience_of
from workflows.backtest import backtest, parse_since
from workflows.models import WorkflowDefinition


class Command(BaseCommand):
    help = "Count the instances a definition would have started from stored events."

    def add_arguments(self, parser):
        parser.add_argument("definition", help="the definition's id or name")
        parser.add_argument("--since", default="30d", help="how far back, e.g. 7d, 30d, 12h")
        parser.add_argument("--sample", type=int, default=10, help="entities to list")

    def handle(self, *args, definition, since, sample, **options):
        found = WorkflowDefinition.objects.filter(name=definition).first()
        if found is None and definition.isdigit():
            found = WorkflowDefinition.objects.filter(pk=int(definition)).first()
        if found is None:
            raise CommandError(f"no workflow definition with the id or name {definition!r}")
        try:
            window = parse_since(since)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        if found.is_audience:
            self._audience(found, window, sample)
            return
        result = backtest(found.content(), since=window, sample_size=max(sample, 0))
        self.stdout.write(
            f"{found.name}: {result.would_start} instances would have started from "
            f"{result.matched} matching of {result.events} {result.trigger_event} events "
            f"since {result.since:%Y-%m-%d %H:%M}"
            + (" (event limit reached)" if result.truncated else ""))
        for item in result.sample:
            self.stdout.write(f"  {item['entity_type']} {item['entity_id']} "
                              f"(event #{item['event_id']}, {item['at']:%Y-%m-%d %H:%M})")

    def _audience(self, definition, window, sample):
        days = max(1, -(-window // timedelta(days=1)))
        result = backtest_audience(audience_of(definition.current_version), days=days,
                                   sample_size=max(sample, 0))
        self.stdout.write(f"{definition.name}: {result.entered} instances would have started "
                          f"({result.entities} records) over the last {len(result.days)} "
                          f"daily evaluations")
        for day in result.days:
            self.stdout.write(f"  {day.day:%Y-%m-%d}: {day.in_audience} in the audience, "
                              f"{day.entered} entered, {day.capped} held back by the cap")
        for item in result.sample:
            self.stdout.write(f"  {item['entity_type']} {item['entity_id']} "
                              f"(entered {item['day']:%Y-%m-%d})")
