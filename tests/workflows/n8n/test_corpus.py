"""The importer over real n8n exports (tests/fixtures/n8n/corpus, copied from public
repositories, plus derived malformed ones): each file gets what its MANIFEST.tsv ``expect``
says a good importer does, and none ends in a traceback."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.workflows.n8n.conftest import CORPUS
from workflows.models import WorkflowDefinition, WorkflowImportReport

pytestmark = pytest.mark.django_db

with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
    ROWS = list(csv.DictReader(manifest, delimiter="\t"))
SENTINELS = ("/tmp/n8n-acceptance-code-node-ran-py", "/tmp/n8n-acceptance-code-node-ran-js")


def run(path: Path, *options: str) -> tuple[int, str, str, int]:
    """(exit status, stdout, the error line(s), definitions created)."""
    before = WorkflowDefinition.objects.count()
    out, err = StringIO(), StringIO()
    try:
        call_command("workflow_import", "--from-n8n", str(path), *options, stdout=out,
                     stderr=err)
        status, message = 0, err.getvalue()
    except CommandError as exc:  # anything else is a traceback: the test fails
        status, message = exc.returncode, str(exc)
    return status, out.getvalue(), message, WorkflowDefinition.objects.count() - before


def test_the_manifest_lists_every_corpus_file():
    assert {row["file"] for row in ROWS} == {p.name for p in CORPUS.glob("*.json")}


@pytest.mark.parametrize("row", ROWS, ids=[row["file"][:3] for row in ROWS])
def test_each_corpus_file_gets_what_the_manifest_expects(row):
    status, out, message, created = run(CORPUS / row["file"])
    expect = row["expect"]
    if expect == "import":
        assert (status, created > 0) == (0, True), message
    elif expect == "reject":
        assert (status, created) == (2, 0)
        assert message.startswith(f"{row['file']}: ") and "\n" not in message
    elif expect == "reject-or-all":
        assert (status, created == 0) == (2, True) or (status, created >= 2) == (0, True)
    else:
        assert expect == "graceful"
        assert status in (0, 1, 2)
        assert status != 2 or (created == 0 and "\n" not in message)
    assert "could not be converted" not in out  # no converter failed on it
    assert not WorkflowDefinition.objects.filter(active=True).exists()
    assert WorkflowImportReport.objects.count() == WorkflowDefinition.objects.filter(
        description__startswith="Imported from n8n").count()


def test_code_nodes_are_shown_and_never_run():
    for sentinel in SENTINELS:
        Path(sentinel).unlink(missing_ok=True)
    status, out, _, created = run(CORPUS / "906-derived-code-nodes-sentinel.json")
    assert (status, created) == (0, 1)
    assert "writeFileSync('/tmp/n8n-acceptance-code-node-ran-js', 'ran')" in out
    assert "open('/tmp/n8n-acceptance-code-node-ran-py', 'w')" in out
    assert not any(Path(sentinel).exists() for sentinel in SENTINELS)
    steps = WorkflowImportReport.objects.get().definition.steps
    assert [s["type"] for s in steps] == ["send_sms"]


def test_the_whole_corpus_at_once_imports_and_lists_the_unreadable_files_one_line_each():
    status, _, message, created = run(CORPUS)
    unreadable = [r["file"] for r in ROWS if r["expect"] == "reject"] + [
        "907-derived-latin1-bytes.json", "908-derived-deep-nesting.json"]
    assert status == 0 and created > 40
    assert sorted(line.split(":")[0] for line in message.splitlines()) == sorted(unreadable)
