"""Real django-q2 clusters (``manage.py qcluster``) in processes of their own, as on separate
machines: on the test database (ORM broker: REDIS_URL is never passed on) and the sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
GUARD = 300  # seconds: only a hung test ever reaches it


def wait_until(condition: Callable[[], bool], what: str,
               detail: Callable[[], str] = str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` (and ``detail()``, e.g. a
    process's output) after ``GUARD`` seconds."""
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}\n{detail()}".rstrip()
        time.sleep(0.1)


class Cluster:
    """``manage.py qcluster`` as machine ``node`` (``PERFECTCATCH_NODE``); its output goes
    to ``log``."""

    def __init__(self, node: str, sandbox_url: str, log: Path, workers: int = 2) -> None:
        db = settings.DATABASES["default"]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("ST_", "GHL_", "Q_")) and k != "REDIS_URL"}
        env.update(DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                   DATABASE_POOL="false", SANDBOX_URL=sandbox_url, PERFECTCATCH_NODE=node,
                   Q_WORKERS=str(workers), LOG_LEVEL="INFO", LOG_FORMAT="plain")
        self.node, self.log = node, log
        self._out = log.open("wb")
        self.process = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT,
                                        env=env, stdout=self._out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_running(self) -> None:
        def running() -> bool:
            assert self.process.poll() is None, f"{self.node} exited:\n{self.output()}"
            return "running" in self.output()
        wait_until(running, f"cluster {self.node} running")

    def stop(self) -> None:
        """SIGTERM to the main process only (to the whole group it hangs: README)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(GUARD)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(GUARD)
        self._out.close()
