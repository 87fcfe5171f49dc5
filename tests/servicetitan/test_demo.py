import io

import pytest

from servicetitan.demo import run_demo
from servicetitan.models import SyncLog

pytestmark = pytest.mark.django_db


def test_the_demo_performs_a_first_sync_with_progress(st, settings):
    settings.ST_SYNC_WORKERS = 1  # threads would commit outside the test transaction
    settings.ST_RATE_LIMIT_PER_SECOND = 100_000
    out = io.StringIO()

    run_demo(out)

    assert SyncLog.objects.filter(status="success").count() == 18
    assert "First sync from the ServiceTitan sandbox" in out.getvalue()
    assert "all succeeded" in out.getvalue()
