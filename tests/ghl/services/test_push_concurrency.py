"""Two workers pushing one estimate at the same moment create one opportunity (real threads,
real PostgreSQL row locks, the sandbox over HTTP)."""

import threading

import pytest
from django.db import connection

from ghl.client import GHLClient
from ghl.models import EstimateOpportunity
from ghl.pacing import Pacer
from ghl.services.push import ghl_push_estimate
from tests.ghl.conftest import sandbox_opportunities

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 3


def test_concurrent_pushes_of_one_estimate_create_one_opportunity(ghl, synced, estimate,
                                                                  sleeps):
    start = threading.Barrier(WORKERS)
    results, errors = [], []

    def worker() -> None:
        try:
            client = GHLClient(pacer=Pacer(sleep=sleeps), sleep=sleeps)
            start.wait()
            results.append(ghl_push_estimate(estimate_id=estimate.id, client=client))
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(sandbox_opportunities(ghl, estimate.id)) == 1
    assert len({r.opportunity_id for r in results}) == 1
    assert sorted(r.created for r in results) == [False] * (WORKERS - 1) + [True]
    assert EstimateOpportunity.objects.get().pushes == WORKERS
