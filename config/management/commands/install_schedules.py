from django.core.management.base import BaseCommand

from config.schedules import install_schedules


class Command(BaseCommand):
    help = "Install or update the project's django-q2 schedules (idempotent)."

    def handle(self, *args, **options):
        outcome = install_schedules()
        for kind, names in outcome.items():
            if names:
                self.stdout.write(f"{kind}: {', '.join(sorted(names))}")
        if not any(outcome.values()):
            self.stdout.write("no schedules declared")
