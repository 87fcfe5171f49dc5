"""Helpers for the tests that run workflow workers as real processes (``worker.py``) on the
test database. Synchronisation is by FIFOs, output lines and states seen in the database;
``GUARD`` only turns a hang into a failure."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUARD = 60
T = TypeVar("T")


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def spawn(*args, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests/workflows/worker.py"), *args], cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(), **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def in_thread(func: Callable[[], T], proc: subprocess.Popen) -> T:
    """Run a blocking FIFO/pipe operation; fail (killing the worker) if it hangs."""
    result: dict = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", func()), daemon=True)
    thread.start()
    thread.join(GUARD)
    if thread.is_alive():
        proc.kill()
        pytest.fail(f"the worker did not get there: {proc.communicate()[0]}")
    return result.get("value")


def read_until(proc: subprocess.Popen, text: str) -> str:
    def read():
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if text in line:
                return line
        return "".join(seen)
    line = in_thread(read, proc)
    assert text in line, line
    return line


def finish(proc: subprocess.Popen) -> str:
    """Wait for the worker to exit by itself; its output. It must exit with 0."""
    output = in_thread(lambda: proc.communicate()[0], proc)
    assert proc.returncode == 0, output
    return output


def eventually(probe: Callable[[], T], proc: subprocess.Popen, what: str) -> T:
    """Ask ``probe`` until it answers something true (the state it looks for has come about
    in the database); fail, killing the worker, if it has not after ``GUARD`` seconds."""
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        if answer := probe():
            return answer
        time.sleep(0.01)
    proc.kill()
    pytest.fail(f"{what}: {proc.communicate()[0]}")


class Fifos:
    """The files of the kit's ``test_effect``/``test_slow`` steps: the effects log, and the
    FIFOs a blocking step meets the test at (``env`` is for the worker that should block)."""

    def __init__(self, directory: Path) -> None:
        self.effects = directory / "effects"
        self.ready, self.release = directory / "ready", directory / "release"
        os.mkfifo(self.ready)
        os.mkfifo(self.release)
        self.env = {"WF_TEST_EFFECTS": str(self.effects), "WF_TEST_READY": str(self.ready),
                    "WF_TEST_RELEASE": str(self.release)}

    def inside(self, proc: subprocess.Popen) -> None:
        """Wait until the worker is inside a blocking step."""
        assert in_thread(lambda: self.ready.open().readline(), proc) == "inside the step\n"

    def let_go(self, proc: subprocess.Popen) -> None:
        """Let the blocked step finish."""
        in_thread(lambda: self.release.write_text("go"), proc)

    def keys(self) -> list[str]:
        """The idempotency keys of every step run that wrote an effect, in order."""
        return [line.split()[0] for line in self.effects.read_text().splitlines()]
