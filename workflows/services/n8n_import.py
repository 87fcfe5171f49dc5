"""Importing n8n exports: the one service behind ``manage.py workflow_import --from-n8n`` and
the admin's upload page.

Each file is read (``workflows.n8n.reader``: refused whole, with one line saying why, when it
is not an export) and each workflow in it converted (``workflows.n8n.convert``). Every
definition is created inactive through ``definition_save`` — the same validation as staff's
edits — together with its report (``WorkflowImportReport``), in one transaction per
definition. A definition whose name is taken is not created (so importing the same export
twice creates nothing new): the report says so. ``dry_run`` validates everything and writes
nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction

from workflows.models import WorkflowDefinition, WorkflowImportReport
from workflows.n8n.convert import Conversion, Planned, convert_workflow
from workflows.n8n.reader import UnreadableExport, read_export
from workflows.n8n.report import WorkflowReport
from workflows.placeholders import placeholders
from workflows.services.definitions import definition_save
from workflows.validation import validate_definition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    name: str       # the file's name, for the report
    data: bytes


@dataclass
class Created:
    """A definition created (or, in a dry run, one that would be)."""

    name: str
    id: int | None
    trigger_event: str
    steps: int
    placeholders: list[str]


@dataclass
class WorkflowResult:
    report: WorkflowReport
    created: list[Created] = field(default_factory=list)
    not_created: list[str] = field(default_factory=list)   # why, one line each


@dataclass
class FileResult:
    name: str
    error: str | None = None                               # unreadable: why
    workflows: list[WorkflowResult] = field(default_factory=list)


@dataclass
class ImportResult:
    dry_run: bool
    files: list[FileResult] = field(default_factory=list)

    @property
    def created(self) -> list[Created]:
        return [c for f in self.files for w in f.workflows for c in w.created]

    @property
    def unreadable(self) -> list[str]:
        return [f"{f.name}: {f.error}" for f in self.files if f.error]


def n8n_import(*, uploads: Iterable[Upload], actor: str, dry_run: bool = False) -> ImportResult:
    """Import every workflow of every upload; never raises on what the files hold."""
    result = ImportResult(dry_run=dry_run)
    names: set[str] = set()
    for upload in uploads:
        result.files.append(_import_file(upload, actor, dry_run, names))
    return result


def _import_file(upload: Upload, actor: str, dry_run: bool, names: set[str]) -> FileResult:
    outcome = FileResult(upload.name)
    try:
        workflows = read_export(upload.data)
    except UnreadableExport as exc:
        outcome.error = str(exc)
        return outcome
    stem = PurePath(upload.name).stem or "n8n workflow"
    for index, workflow in enumerate(workflows):
        fallback = stem if len(workflows) == 1 else f"{stem} {index + 1}"
        conversion = _converted(workflow, upload.name, fallback)
        done = WorkflowResult(conversion.report)
        for planned in conversion.definitions:
            _create(planned, conversion, done, actor, dry_run, names)
        outcome.workflows.append(done)
    return outcome


def _converted(workflow: dict, source: str, fallback: str) -> Conversion:
    try:
        return convert_workflow(workflow, source=source, fallback_name=fallback)
    except Exception as exc:
        # A converter bug must not cost the rest of the file (nor print a traceback at the
        # operator): the report names it and nothing is created from this workflow.
        logger.error("n8n import: converting a workflow of %s failed: %r", source, exc)
        report = WorkflowReport(source=source, name=fallback)
        report.notes.append(f"could not be converted ({type(exc).__name__}); nothing was "
                            f"imported from it")
        return Conversion(report)


def _create(planned: Planned, conversion: Conversion, done: WorkflowResult, actor: str,
            dry_run: bool, names: set[str]) -> None:
    name = _unused(planned.name, names)
    data = {**planned.data, "name": name}
    if WorkflowDefinition.objects.filter(name=name).exists():
        done.not_created.append(f"{name!r} not created: a definition with that name exists "
                                f"(delete or rename it to import again)")
        return
    try:
        if dry_run:
            validate_definition(data)
            definition_id = None
        else:
            definition_id = _save(data, conversion.report, actor)
    except ValidationError as exc:
        done.not_created.append(f"{name!r} not created: it does not validate: "
                                f"{'; '.join(exc.messages)}")
        return
    done.created.append(Created(name, definition_id, data["trigger_event"], len(data["steps"]),
                                placeholders(data)))


@transaction.atomic
def _save(data: dict, report: WorkflowReport, actor: str) -> int:
    definition = definition_save(data=data, actor=actor)
    WorkflowImportReport.objects.create(definition=definition, source=report.source[:255],
                                        workflow_name=report.name[:200],
                                        report=report.as_dict(), created_by=actor)
    return definition.pk


def _unused(name: str, names: set[str]) -> str:
    """``name``, or ``name (2)``… when an earlier workflow of this import took it."""
    candidate, number = name, 2
    while candidate in names:
        suffix = f" ({number})"
        candidate, number = name[:120 - len(suffix)] + suffix, number + 1
    names.add(candidate)
    return candidate
