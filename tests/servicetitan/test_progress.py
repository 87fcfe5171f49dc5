import io
import uuid

from servicetitan.models import SyncLog
from servicetitan.progress import ProgressDisplay, summary_table
from servicetitan.sync import Outcome, RunSummary


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def entry(**fields) -> SyncLog:
    return SyncLog(**{"resource": "customers", "status": "running", **fields})


def test_on_a_terminal_the_block_is_redrawn_in_place():
    out, clock = io.StringIO(), Clock()
    display = ProgressDisplay(out, ["customers", "jobs"], tty=True, clock=clock)

    display.update(entry(pages=1, fetched=1000))
    clock.now = 2.0
    display.update(entry(pages=2, fetched=2000))

    text = out.getvalue()
    assert text.count("\x1b[2F") == 1 and "jobs" in text and "waiting" in text
    first, redrawn = text.split("\x1b[2F")
    assert "running       1     1,000" in first and "running       2     2,000" in redrawn


def test_elsewhere_a_running_resource_prints_at_most_every_interval():
    out, clock = io.StringIO(), Clock()
    display = ProgressDisplay(out, ["customers"], tty=False, interval=5, clock=clock)

    for second in range(12):
        clock.now = float(second)
        display.update(entry(pages=second, fetched=second * 100))

    assert len(out.getvalue().splitlines()) == 2  # at 5 s and at 10 s


def test_elsewhere_a_finished_resource_always_prints():
    out = io.StringIO()
    display = ProgressDisplay(out, ["customers"], tty=False, clock=Clock())
    display.update(entry(status="success", fetched=100, duration=0.5))
    assert "success" in out.getvalue() and "200" in out.getvalue()  # 100 records / 0.5 s


def test_the_rate_is_records_per_second():
    out, clock = io.StringIO(), Clock()
    display = ProgressDisplay(out, ["customers"], tty=False, interval=1, clock=clock)
    display.update(entry(fetched=0))
    clock.now = 4.0
    display.update(entry(fetched=2000))
    assert "     500 " in out.getvalue().splitlines()[-1]


def test_the_summary_shows_busy_resources_and_errors():
    failed = SyncLog(resource="jobs", status="failed", error="GET /x: 403 Forbidden",
                     duration=1.0)
    summary = RunSummary(uuid.uuid4(), [Outcome("customers", None), Outcome("jobs", failed)])
    table = summary_table(summary)
    assert "customers                busy" in table and "error: GET /x: 403" in table
    assert "NOT all succeeded" in table
