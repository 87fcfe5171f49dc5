"""``make run``'s first ServiceTitan step: a first sync of every resource from the sandbox,
with progress, so the admin opens on a populated mirror."""

from __future__ import annotations

from typing import TextIO

from django.conf import settings

from servicetitan.progress import ProgressDisplay
from servicetitan.resources import RESOURCES
from servicetitan.sync import sync


def run_demo(stdout: TextIO) -> None:
    if not settings.SERVICETITAN.enabled:
        stdout.write(f"  skipped: {settings.SERVICETITAN.turned_off}\n")
        return
    stdout.write("First sync from the ServiceTitan sandbox (later runs: every few minutes, "
                 "from the saved cursors)\n")
    display = ProgressDisplay(stdout, [r.name for r in RESOURCES], tty=False)
    summary = sync(progress=display.update)
    display.finish(summary)
