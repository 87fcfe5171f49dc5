import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from config.health import database, failed_names, migrations, run_checks


class Command(BaseCommand):
    help = ("Run the readiness checks /readyz runs; exit status 1 naming what failed "
            "(for process supervisors and container health checks).")

    def add_arguments(self, parser):
        parser.add_argument("--database-only", action="store_true",
                            help="only the database and migrations (a web process's start-up)")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")

    def handle(self, *args, database_only, **options):
        results = [database(), migrations()] if database_only else run_checks()
        if options["json"]:
            self.stdout.write(jsonlib.dumps([r.as_dict() for r in results], indent=2))
        else:
            for r in results:
                mark = (self.style.SUCCESS("ok  ") if r.ok else
                        self.style.WARNING("skip") if r.skipped else self.style.ERROR("FAIL"))
                self.stdout.write(f"{mark} {r.name}: {r.detail}")
        failed = failed_names(results)
        if failed:
            raise CommandError(f"not ready: {', '.join(failed)}", returncode=1)
