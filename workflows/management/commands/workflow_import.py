"""``manage.py workflow_import FILE``: create or update definitions from a JSON file (one
definition object or a list), all or nothing."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workflows.services import definitions_import


class Command(BaseCommand):
    help = "Import workflow definitions from a JSON file (by name: create or update)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}") from None
        try:
            outcome = definitions_import(data=data, actor="workflow_import")
        except ValidationError as exc:
            raise CommandError("nothing imported:\n  " + "\n  ".join(exc.messages)) from None
        for name, what in outcome:
            self.stdout.write(f"{what}: {name}")
