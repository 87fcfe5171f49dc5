"""The live progress display of ``st_sync`` and the demo: one line per resource (pages,
records, rate), redrawn in place on a terminal and printed every few seconds otherwise, and a
summary table at the end. ``update`` is called from the sync threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

from servicetitan.models import SyncLog
from servicetitan.sync import RunSummary

HEADER = (f"{'resource':<24} {'status':<8} {'pages':>6} {'records':>9} {'created':>8} "
          f"{'updated':>8} {'rejected':>8} {'warnings':>8} {'rate/s':>8} {'seconds':>8}")


class ProgressDisplay:
    def __init__(self, out: TextIO, names: list[str], *, tty: bool, interval: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.out, self.names, self.tty, self.interval, self.clock = (
            out, names, tty, interval, clock)
        self.lock = threading.Lock()
        self.lines = {name: f"{name:<24} waiting" for name in names}
        self.started: dict[str, float] = {}
        self.printed: dict[str, float] = {}
        self.drawn = False

    def update(self, entry: SyncLog) -> None:
        with self.lock:
            now = self.clock()
            start = self.started.setdefault(entry.resource, now)
            self.lines[entry.resource] = line(entry, (entry.duration or now - start))
            if self.tty:
                self._redraw()
            elif (entry.status != SyncLog.Status.RUNNING
                  or now - self.printed.get(entry.resource, start) >= self.interval):
                self.printed[entry.resource] = now
                self.out.write(self.lines[entry.resource] + "\n")
                self.out.flush()

    def _redraw(self) -> None:
        if self.drawn:  # back to the first line of the block, then overwrite it
            self.out.write(f"\x1b[{len(self.names)}F")
        self.out.write("".join(f"\x1b[2K{self.lines[name]}\n" for name in self.names))
        self.out.flush()
        self.drawn = True

    def finish(self, summary: RunSummary) -> None:
        self.out.write("\n" + summary_table(summary) + "\n")
        self.out.flush()


def line(entry: SyncLog, seconds: float) -> str:
    rate = entry.fetched / seconds if seconds > 0 else 0.0
    return (f"{entry.resource:<24} {entry.status:<8} {entry.pages:>6} {entry.fetched:>9,} "
            f"{entry.created:>8,} {entry.updated:>8,} {entry.rejected:>8,} {entry.warnings:>8,} "
            f"{rate:>8,.0f} {seconds:>8.1f}")


def summary_table(summary: RunSummary) -> str:
    rows = [HEADER]
    for outcome in summary.outcomes:
        if outcome.log is None:
            rows.append(f"{outcome.resource:<24} busy     (another sync is running)")
        else:
            rows.append(line(outcome.log, outcome.log.duration or 0.0))
            if outcome.log.error:
                rows.append(f"    error: {outcome.log.error}")
    verdict = "all succeeded" if summary.ok else "NOT all succeeded"
    rows.append(f"run {summary.run_id}: {verdict}")
    return "\n".join(rows)
