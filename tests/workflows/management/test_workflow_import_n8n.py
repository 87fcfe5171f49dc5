"""``manage.py workflow_import --from-n8n``: the report printed, exit 0 when something was
imported, 2 with one line when the input cannot be read, 1 when nothing could be imported;
never a traceback."""

import os
import shutil
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.workflows.n8n.conftest import CORPUS, OWN
from workflows.models import WorkflowDefinition, WorkflowImportReport

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("workflow_import", "--from-n8n", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args) -> CommandError:
    with pytest.raises(CommandError) as error:
        run(*args)
    return error.value


def test_it_creates_inactive_definitions_and_prints_each_nodes_fate():
    out, _ = run(OWN / "schedule-poll-mirror.json")
    definition = WorkflowDefinition.objects.get(name="Open estimates over $1,000")
    assert not definition.active
    assert out.splitlines()[:2] == [
        "schedule-poll-mirror.json — n8n workflow 'Open estimates over $1,000'",
        f"  created (id {definition.pk}, inactive) 'Open estimates over $1,000': trigger "
        f"estimate.created, estimate.updated, 1 step(s)"]
    assert "  - Open estimates (postgres v2.3): converted — read as the trigger's conditions" \
        in out
    assert out.rstrip().endswith("1 definition(s) created, inactive; review each, then switch "
                                 "it on in the admin.")


def test_it_names_the_placeholders_to_replace_before_switching_on():
    out, _ = run(OWN / "if-versions.json")
    assert "    before switching it on, replace: steps[0].rule.field 'placeholder.condition'" \
        in out


def test_a_dry_run_prints_the_same_report_and_writes_nothing():
    before = WorkflowDefinition.objects.count()
    out, _ = run(OWN / "estimate-follow-up.json", "--dry-run")
    assert "  would create 'Estimate follow-up from n8n': trigger estimate.created" in out
    assert "  - Tidy up (code v2): unsupported — JavaScript code needs a rewrite" in out
    assert out.rstrip().endswith("1 definition(s) would be created; review each, then switch "
                                 "it on in the admin.")
    assert WorkflowDefinition.objects.count() == before
    assert not WorkflowImportReport.objects.exists()


@pytest.mark.parametrize(("name", "reason"), [
    ("malformed-truncated.json", "not JSON: Expecting property name enclosed in double quotes"),
    ("malformed-no-nodes.json", 'not an n8n workflow: it has no "nodes"'),
    ("malformed-mixed-list.json", "item 2 of the list is a number, not an n8n workflow"),
])
def test_an_unreadable_file_exits_2_with_one_line_and_writes_nothing(name, reason):
    before = WorkflowDefinition.objects.count()
    error = refused(OWN / name)
    assert error.returncode == 2
    assert str(error).startswith(f"{name}: ") and reason in str(error)
    assert "\n" not in str(error)
    assert WorkflowDefinition.objects.count() == before


def test_a_directory_imports_what_it_can_and_lists_what_it_could_not(tmp_path):
    for name in ("schedule-poll-mirror.json", "malformed-no-nodes.json"):
        shutil.copy(OWN / name, tmp_path)
    (tmp_path / "notes.txt").write_text("not an export")
    out, err = run(tmp_path)
    assert "1 definition(s) created" in out
    assert err == 'malformed-no-nodes.json: not an n8n workflow: it has no "nodes"\n'


def test_exports_read_but_with_nothing_to_import_exit_1():
    run(OWN / "schedule-poll-mirror.json")
    error = refused(OWN / "schedule-poll-mirror.json")
    assert (error.returncode, str(error)) == (1, "nothing imported (the report above says "
                                                 "why)")


@pytest.mark.parametrize(("args", "message"), [
    (["/no/such/file.json"], "cannot read /no/such/file.json: No such file or directory"),
])
def test_a_path_that_cannot_be_read_exits_2(args, message):
    error = refused(*args)
    assert (error.returncode, str(error)) == (2, message)


def test_an_empty_directory_exits_2(tmp_path):
    assert refused(tmp_path).returncode == 2


def test_dry_run_goes_with_from_n8n_only(tmp_path):
    with pytest.raises(CommandError, match="--dry-run goes with --from-n8n"):
        call_command("workflow_import", str(tmp_path / "x.json"), "--dry-run")


@pytest.mark.parametrize("path", [CORPUS / "908-derived-deep-nesting.json",
                                  CORPUS / "901-derived-truncated.json",
                                  CORPUS / "910-derived-top-level-string.json"])
def test_from_the_shell_unreadable_input_is_one_line_on_stderr_and_exit_2(path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:1/never_used"}  # not reached
    result = subprocess.run([sys.executable, "manage.py", "workflow_import", "--skip-checks",
                             "--from-n8n", str(path)], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"CommandError: {path.name}: ")
