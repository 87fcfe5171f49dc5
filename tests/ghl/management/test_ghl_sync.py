"""``manage.py ghl_sync``: progress, outcome and exit status."""

import pytest
from django.core.management import CommandError, call_command

from ghl.models import GHLOpportunity, SyncLog

pytestmark = pytest.mark.django_db


def test_it_syncs_the_named_resources_with_progress(ghl, capsys):
    call_command("ghl_sync", "opportunities")
    out = capsys.readouterr().out
    assert "opportunities: page 1" in out and "opportunities: Success — 150 read" in out
    assert GHLOpportunity.objects.count() == len(ghl.state.opportunities)
    assert list(SyncLog.objects.values_list("resource", flat=True)) == ["opportunities"]


def test_an_unknown_resource_is_refused_with_the_valid_names(ghl):
    with pytest.raises(CommandError, match="known: pipelines, users, contacts, opportunities"):
        call_command("ghl_sync", "estimates")


def test_a_failed_resource_makes_the_command_fail(sandbox, ghl, capsys):
    sandbox.app.faults.add(vendor="ghl", path_contains="/users", status=403, times=None,
                           body={"statusCode": 403, "message": "no access to users"})
    with pytest.raises(CommandError, match="failed"):
        call_command("ghl_sync", "users", "pipelines")
    assert "no access to users" in capsys.readouterr().out

