"""``make run``'s first ServiceTitan step: a first sync of every resource from the sandbox,
with progress, so the admin opens on a populated mirror."""

from __future__ import annotations

from typing import TextIO

from servicetitan.progress import ProgressDisplay
from servicetitan.resources import RESOURCES
from servicetitan.sync import sync


def run_demo(stdout: TextIO) -> None:
    stdout.write("First sync from the ServiceTitan sandbox (later runs: every few minutes, "
                 "from the saved cursors)\n")
    display = ProgressDisplay(stdout, [r.name for r in RESOURCES], tty=False)
    summary = sync(progress=display.update)
    display.finish(summary)
