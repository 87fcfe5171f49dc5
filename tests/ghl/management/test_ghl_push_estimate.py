"""``manage.py ghl_push_estimate``."""

import pytest
from django.core.management import CommandError, call_command

from tests.ghl.conftest import EstimateFactory, sandbox_opportunities

pytestmark = pytest.mark.django_db


def test_it_pushes_the_estimates_named(ghl, synced, estimate, capsys):
    call_command("ghl_push_estimate", str(estimate.id))
    assert f"estimate {estimate.id}: opportunity" in capsys.readouterr().out
    assert len(sandbox_opportunities(ghl, estimate.id)) == 1


def test_it_pushes_every_estimate_in_a_status(ghl, synced, capsys):
    open_ones = [EstimateFactory(), EstimateFactory()]
    sold = EstimateFactory(status="Sold")
    call_command("ghl_push_estimate", "--status", "Open")
    assert all(sandbox_opportunities(ghl, e.id) for e in open_ones)
    assert sandbox_opportunities(ghl, sold.id) == []
    assert "2 estimate(s) pushed" in capsys.readouterr().out


def test_a_failed_push_is_reported_and_fails_the_command(ghl, synced, estimate, capsys):
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("ghl_push_estimate", str(estimate.id), "424242")
    assert "424242: estimate 424242 is not in the ServiceTitan mirror" in capsys.readouterr().out


@pytest.mark.parametrize("args", [[], ["1", "--status", "Open"], ["--status", "Open",
                                                                    "--limit", "0"]])
def test_bad_arguments_are_refused(args):
    with pytest.raises(CommandError):
        call_command("ghl_push_estimate", *args)
