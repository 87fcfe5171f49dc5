"""``manage.py workflow_explain ENTITY ID``: why each workflow did or did not start."""

from django.core.management.base import BaseCommand, CommandError

from workflows.entities import ENTITY_MODELS
from workflows.explain import explain_entity, render_text
from workflows.models import WorkflowEvent


class Command(BaseCommand):
    help = "Explain, per definition, whether an instance exists for an entity and why."

    def add_arguments(self, parser):
        parser.add_argument("entity", help="entity type, e.g. estimate, job, customer")
        parser.add_argument("id", help="the entity's id (the ServiceTitan id)")

    def handle(self, *args, entity, id, **options):
        known = set(ENTITY_MODELS) | set(WorkflowEvent.objects.values_list(
            "entity_type", flat=True).distinct())
        if entity not in known:
            raise CommandError(f"unknown entity type {entity!r}; known: "
                               f"{', '.join(sorted(known))}")
        self.stdout.write(render_text(explain_entity(entity, id)))
