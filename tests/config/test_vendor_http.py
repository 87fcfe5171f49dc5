"""The vendor clients' shared vocabulary: errors that say whether a retry can help,
``Retry-After`` in both its forms, and the one retry loop."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from config.vendor_http import (
    Backoff,
    VendorError,
    call_with_retries,
    error_fields,
    parse_retry_after,
    retryable_status,
)

NOW = datetime(2026, 10, 21, 7, 28, tzinfo=UTC)


def test_retry_after_in_seconds():
    assert parse_retry_after("7") == 7.0 and parse_retry_after("0.5") == 0.5
    assert parse_retry_after(" 120 ") == 120.0


def test_retry_after_as_an_http_date_counts_from_now():
    assert parse_retry_after("Wed, 21 Oct 2026 07:30:00 GMT", NOW) == 120.0


def test_retry_after_as_an_http_date_counts_from_the_clock_by_default():
    when = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= parse_retry_after(format_datetime(when, usegmt=True)) <= 30


def test_retry_after_in_the_obsolete_date_forms_is_read_too():
    assert parse_retry_after("Wednesday, 21-Oct-26 07:29:00 GMT", NOW) == 60.0
    assert parse_retry_after("Wed Oct 21 07:29:30 2026", NOW) == 90.0


def test_a_retry_after_date_in_the_past_means_now():
    assert parse_retry_after("Wed, 21 Oct 2026 07:00:00 GMT", NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1e3", "nan", "inf", "7 s",
                                   "Wed, 32 Oct 2026 07:30:00 GMT", "Wed, 21 Oct", "0x10",
                                   "99999999999999999999"])
def test_a_missing_or_unreadable_retry_after_is_none(value):
    assert parse_retry_after(value, NOW) is None


@pytest.mark.parametrize(("status", "retryable"), [
    (408, True), (425, True), (429, True), (500, True), (503, True), (599, True),
    (400, False), (401, False), (403, False), (404, False), (409, False), (422, False)])
def test_timeouts_rate_limits_and_server_errors_are_retryable(status, retryable):
    assert retryable_status(status) is retryable


def test_a_vendor_may_add_statuses_of_its_own():
    assert retryable_status(409, frozenset({409})) and not retryable_status(409)


def answer(status: int, **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update({name.replace("_", "-"): value for name, value in headers.items()})
    return response


def test_an_error_answer_gives_whether_to_retry_and_when():
    assert error_fields(answer(429, Retry_After="7")) == {"retryable": True, "retry_after": 7.0}
    assert error_fields(answer(404)) == {"retryable": False, "retry_after": None}
    assert error_fields(answer(409), frozenset({409}))["retryable"]


def test_the_backoff_doubles_up_to_its_cap_with_jitter():
    backoff = Backoff(base=1.0, cap=10.0, jitter_floor=0.5)
    for attempt, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 10.0), (9, 10.0)]:
        waits = [backoff.wait(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 1


def test_the_backoff_waits_what_the_vendor_asked_up_to_its_longest():
    backoff = Backoff(longest=300.0)
    assert backoff.wait(1, 7.0) == 7.0 and backoff.wait(5, 0.0) == 0.0
    assert backoff.wait(1, 7200.0) == 300.0


class Flaky:
    """An attempt that fails with the given errors, then returns "done"."""

    def __init__(self, *errors: VendorError):
        self.errors, self.calls = list(errors), 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def busy(retry_after: float | None = None) -> VendorError:
    return VendorError("busy", status=503, retryable=True, retry_after=retry_after)


def test_a_retryable_error_is_tried_again_after_the_wait_asked():
    attempt, sleeps = Flaky(busy(3.0), busy(4.0)), []
    assert call_with_retries(attempt, attempts=5, backoff=Backoff(), sleep=sleeps.append) \
        == "done"
    assert attempt.calls == 3 and sleeps == [3.0, 4.0]


def test_the_last_error_is_raised_when_the_attempts_are_spent():
    attempt, sleeps = Flaky(busy(), busy(), busy()), []
    with pytest.raises(VendorError) as caught:
        call_with_retries(attempt, attempts=3, backoff=Backoff(), sleep=sleeps.append)
    assert caught.value.retryable and attempt.calls == 3 and len(sleeps) == 2


def test_an_error_that_is_not_retryable_is_raised_at_once():
    attempt, sleeps = Flaky(VendorError("no", status=404)), []
    with pytest.raises(VendorError, match="no"):
        call_with_retries(attempt, attempts=5, backoff=Backoff(), sleep=sleeps.append)
    assert attempt.calls == 1 and sleeps == []


def test_retry_if_keeps_a_retryable_error_from_being_retried_here():
    attempt, sleeps = Flaky(busy()), []
    with pytest.raises(VendorError) as caught:
        call_with_retries(attempt, attempts=5, backoff=Backoff(), sleep=sleeps.append,
                          retry_if=lambda error: error.status == 429)
    assert caught.value.retryable and sleeps == []


def test_a_wait_longer_than_give_up_beyond_goes_back_to_the_caller():
    attempt, sleeps = Flaky(busy(7200.0)), []
    with pytest.raises(VendorError) as caught:
        call_with_retries(attempt, attempts=5, backoff=Backoff(give_up_beyond=120.0),
                          sleep=sleeps.append)
    assert caught.value.retry_after == 7200.0 and sleeps == []


def test_the_hook_runs_before_each_wait_with_the_error_and_the_tries_so_far():
    seen, first, second = [], busy(1.0), busy(2.0)
    call_with_retries(Flaky(first, second), attempts=5, backoff=Backoff(),
                      before_retry=lambda *args: seen.append(args), sleep=lambda _: None)
    assert seen == [(first, 1, 1.0), (second, 2, 2.0)]


def test_other_exceptions_go_straight_through():
    def attempt():
        raise KeyError("bug")

    with pytest.raises(KeyError):
        call_with_retries(attempt, attempts=5, backoff=Backoff(), sleep=lambda _: None)
