"""The bulk upsert never moves a row back in time and leaves unchanged rows alone."""

from datetime import UTC, datetime, timedelta

import pytest

from ghl.models import GHLOpportunity
from ghl.upsert import upsert

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def row(status: str, as_of: datetime, **extra) -> dict:
    return {"id": "opp1", "status": status, "as_of": as_of, "synced_at": T0, **extra}


def test_a_new_row_is_inserted():
    assert upsert(GHLOpportunity, [row("open", T0)]) == {"opp1"}
    assert GHLOpportunity.objects.get().status == "open"


def test_an_older_state_never_overwrites_a_newer_one():
    upsert(GHLOpportunity, [row("won", T0)])
    assert upsert(GHLOpportunity, [row("open", T0 - timedelta(seconds=1))]) == set()
    assert GHLOpportunity.objects.get().status == "won"


def test_a_newer_state_replaces_the_stored_one():
    upsert(GHLOpportunity, [row("open", T0)])
    upsert(GHLOpportunity, [row("won", T0 + timedelta(seconds=1))])
    assert GHLOpportunity.objects.get().status == "won"


def test_the_same_state_at_the_same_time_writes_nothing():
    upsert(GHLOpportunity, [row("open", T0)])
    assert upsert(GHLOpportunity, [row("open", T0, synced_at=T0 + timedelta(hours=1))]) == set()


def test_the_same_state_at_a_newer_time_keeps_the_newer_time():
    # Otherwise a delayed event older than this one would look newer than what is stored.
    upsert(GHLOpportunity, [row("open", T0)])
    upsert(GHLOpportunity, [row("open", T0 + timedelta(minutes=2))])
    assert upsert(GHLOpportunity, [row("lost", T0 + timedelta(minutes=1))]) == set()
    assert GHLOpportunity.objects.get().as_of == T0 + timedelta(minutes=2)


def test_fields_left_out_are_left_alone():
    GHLOpportunity.objects.create(id="opp1", status="open", name="Kept", synced_at=T0)
    upsert(GHLOpportunity, [row("won", T0)])
    assert GHLOpportunity.objects.get().name == "Kept"


def test_rows_with_different_fields_are_refused():
    with pytest.raises(ValueError, match="same fields"):
        upsert(GHLOpportunity, [row("open", T0), {"id": "opp2", "status": "won"}])
