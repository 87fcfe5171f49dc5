"""``manage.py workflow_backtest DEFINITION --since 30d``: how many instances a definition
would have started from the stored events (nothing is written)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

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
        result = backtest(found.content(), since=window, sample_size=max(sample, 0))
        self.stdout.write(
            f"{found.name}: {result.would_start} instances would have started from "
            f"{result.matched} matching of {result.events} {result.trigger_event} events "
            f"since {result.since:%Y-%m-%d %H:%M}"
            + (" (event limit reached)" if result.truncated else ""))
        for item in result.sample:
            self.stdout.write(f"  {item['entity_type']} {item['entity_id']} "
                              f"(event #{item['event_id']}, {item['at']:%Y-%m-%d %H:%M})")
