from datetime import UTC, datetime, timedelta

import pytest

from messaging.services.pacing import Throttled, reserve

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def one_segment_per_second(settings):
    settings.MESSAGING = {"sends_per_second": 1.0, "max_pacing_wait": 5.0}


def test_consecutive_texts_get_slots_one_segment_apart():
    slots = [reserve("+15005550006", 1, now=T0) for _ in range(3)]
    assert slots == [T0, T0 + timedelta(seconds=1), T0 + timedelta(seconds=2)]


def test_a_long_text_takes_one_slot_per_segment():
    reserve("+15005550006", 3, now=T0)
    assert reserve("+15005550006", 1, now=T0) == T0 + timedelta(seconds=3)


def test_each_sender_has_its_own_pace():
    reserve("+15005550006", 1, now=T0)
    assert reserve("MG" + "5b" * 16, 1, now=T0) == T0


def test_a_slot_beyond_the_longest_wait_is_refused_not_taken():
    for _ in range(6):
        reserve("+15005550006", 1, now=T0)
    with pytest.raises(Throttled) as refused:
        reserve("+15005550006", 1, now=T0)
    assert refused.value.retry_at == T0 + timedelta(seconds=6)
