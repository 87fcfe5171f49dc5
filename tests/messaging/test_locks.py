"""The per-number send lock (``messaging.locks``): bounded, whatever the batch."""

import pytest
from django.db import connection, transaction

from messaging.locks import LOCKS, lock_number, lock_numbers

pytestmark = pytest.mark.django_db


def advisory_locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                       "AND pid = pg_backend_pid()")
        return cursor.fetchone()[0]


def test_opting_out_thousands_of_numbers_holds_a_bounded_number_of_locks():
    with transaction.atomic():
        lock_numbers(f"+1407555{n:04d}" for n in range(5000))
        assert advisory_locks_held() <= LOCKS


@pytest.mark.django_db(transaction=True)  # the test's own transaction would hold it
def test_the_lock_is_released_with_the_transaction():
    with transaction.atomic():
        lock_number("+14075550142")
        assert advisory_locks_held() == 1
    assert advisory_locks_held() == 0


@pytest.mark.django_db(transaction=True)
def test_locking_a_number_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        lock_number("+14075550142")
