"""``manage.py workflow_import FILE``: create or update definitions from a JSON file (one
definition object or a list), all or nothing.

``manage.py workflow_import --from-n8n FILE_OR_DIR [--dry-run]``: create inactive definitions
from n8n exports (a file, or every ``*.json`` file of a directory) and print the report of
each workflow. Exit status 0 when something was imported (or would be, with ``--dry-run``);
2, with one line per file, when the input cannot be read as n8n exports; 1 when the exports
were read but nothing in them could be imported.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workflows.n8n.reader import MAX_BYTES
from workflows.services import definitions_import
from workflows.services.n8n_import import ImportResult, Upload, WorkflowResult, n8n_import

UNREADABLE, NOTHING = 2, 1


class Command(BaseCommand):
    help = ("Import workflow definitions from a JSON file (by name: create or update), or "
            "n8n workflow exports (--from-n8n) as inactive definitions with a report.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE_OR_DIR")
        parser.add_argument("--from-n8n", action="store_true",
                            help="read n8n exports (a file or a directory of .json files)")
        parser.add_argument("--dry-run", action="store_true",
                            help="with --from-n8n: print the report, create nothing")

    def handle(self, *args, file, from_n8n, dry_run, **options):
        if from_n8n:
            return self.import_n8n(file, dry_run)
        if dry_run:
            raise CommandError("--dry-run goes with --from-n8n")
        return self.import_native(file)

    def import_native(self, file: Path) -> None:
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

    def import_n8n(self, path: Path, dry_run: bool) -> None:
        result = n8n_import(uploads=self.uploads(path), actor="workflow_import",
                            dry_run=dry_run)
        for file in result.files:
            for workflow in file.workflows:
                self.print_workflow(workflow, dry_run)
        self.finish(result)

    def uploads(self, path: Path) -> list[Upload]:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json"
                           and p.is_file())
            if not files:
                raise CommandError(f"{path}: no .json files in this directory",
                                   returncode=UNREADABLE)
            return [self.read(p) for p in files]
        return [self.read(path)]

    def read(self, path: Path) -> Upload:
        try:
            with path.open("rb") as handle:  # past the limit the reader refuses it anyway
                return Upload(path.name, handle.read(MAX_BYTES + 1))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}",
                               returncode=UNREADABLE) from None

    def print_workflow(self, workflow: WorkflowResult, dry_run: bool) -> None:
        report = workflow.report
        self.stdout.write(f"{report.source} — n8n workflow {report.name!r}")
        for created in workflow.created:
            what = "would create" if dry_run else f"created (id {created.id}, inactive)"
            self.stdout.write(f"  {what} {created.name!r}: trigger {created.trigger_event}, "
                              f"{created.steps} step(s)")
            if created.placeholders:
                self.stdout.write("    before switching it on, replace: "
                                  + "; ".join(created.placeholders))
        for line in workflow.not_created:
            self.stdout.write(f"  {line}")
        self.stdout.write("\n".join(report.lines()))

    def finish(self, result: ImportResult) -> None:
        created = len(result.created)
        if created:
            for line in result.unreadable:
                self.stderr.write(line)
            verb = "would be created" if result.dry_run else "created, inactive"
            self.stdout.write(f"{created} definition(s) {verb}; review each, then switch it "
                              f"on in the admin.")
            return
        if result.unreadable:
            raise CommandError("\n".join(result.unreadable), returncode=UNREADABLE)
        raise CommandError("nothing imported (the report above says why)", returncode=NOTHING)
