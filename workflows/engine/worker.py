"""The long-running worker: drain the event queue and the due instances, then sleep until a
NOTIFY (PostgreSQL: sent on commit of new events and newly due instances), the next due time,
or the poll interval — whichever comes first. On SQLite it polls.

``Worker.drain()`` is ``manage.py workflows_run --once``; ``Worker.run()`` is the foreground
worker (its own process: systemd unit, Procfile, `make run`); the django-q2 `tick` drains once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from django.db import connection
from django.utils import timezone

from config.tasks import beat
from workflows.engine.matching import process_events
from workflows.engine.runner import Runner, next_wake_at, sweep_stale_claims
from workflows.events import NOTIFY_CHANNEL

log = logging.getLogger(__name__)
LISTENER = "workflows"  # its heartbeat's name (config.health)
BEAT_EVERY = 30.0


@dataclass
class Totals:
    events: int = 0
    started: int = 0
    cancelled: int = 0
    woken: int = 0
    steps: int = 0
    swept: int = 0

    def __str__(self) -> str:
        return (f"{self.events} events, {self.started} instances started, {self.cancelled} "
                f"cancelled, {self.woken} woken, {self.steps} steps run, {self.swept} stale "
                f"claims requeued")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Listener:
    """A dedicated autocommit connection LISTENing on the workflows channel."""

    def __init__(self) -> None:
        self.conn = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        self.conn.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True when a notification arrived."""
        got = any(True for _ in self.conn.notifies(timeout=max(timeout, 0), stop_after=1))
        # Several commits may have notified: drain them so the next wait blocks again.
        for _ in self.conn.notifies(timeout=0):
            pass
        return got

    def close(self) -> None:
        self.conn.close()


class Worker:
    def __init__(self, *, name: str | None = None, batch_size: int = 100,
                 lease: timedelta = timedelta(minutes=5), poll_interval: float = 5.0):
        self.name = name or worker_name()
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.runner = Runner(self.name, batch_size=batch_size, lease=lease)
        self.stop_event = threading.Event()
        self._last_beat = -BEAT_EVERY

    def drain(self, max_seconds: float | None = None) -> Totals:
        """Work until nothing is due (or ``max_seconds`` have passed, finishing the batch in
        hand): requeue stale claims, consume events, run due steps."""
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        totals = Totals(swept=sweep_stale_claims())
        while not self.stop_event.is_set() and (deadline is None
                                                 or time.monotonic() < deadline):
            stats = process_events(now=timezone.now(), batch_size=self.batch_size)
            steps = self.runner.run_due()
            totals.events += stats.events
            totals.started += stats.started
            totals.cancelled += stats.cancelled
            totals.woken += stats.woken
            totals.steps += steps
            if not stats.events and not steps:
                break
        return totals

    def run(self, *, duration: float | None = None,
            report: Callable[[Totals], None] | None = None) -> Totals:
        """Drain, then wait for a wake-up, until ``stop()`` or ``duration`` seconds pass.
        ``report`` is called after every drain that did something."""
        deadline = None if duration is None else time.monotonic() + duration
        listener = Listener() if connection.vendor == "postgresql" else None
        grand = Totals()
        try:
            while not self.stop_event.is_set():
                self._beat()
                done = self.drain()
                if report is not None and (done.events or done.steps or done.swept):
                    report(done)
                for field in vars(grand):
                    setattr(grand, field, getattr(grand, field) + getattr(done, field))
                timeout = self._sleep_for(deadline)
                if timeout is None:
                    break
                self._wait(listener, timeout)
        finally:
            if listener is not None:
                listener.close()
        return grand

    def _beat(self) -> None:
        """Tell /readyz this listener is alive (at most every ``BEAT_EVERY`` seconds)."""
        now = time.monotonic()
        if now - self._last_beat >= BEAT_EVERY:
            beat(LISTENER, self.name)
            self._last_beat = now

    def _wait(self, listener: Listener | None, timeout: float) -> None:
        """Sleep until a notification, ``timeout``, or ``stop()`` (checked every second: a
        signal handler cannot interrupt psycopg's wait)."""
        end = time.monotonic() + timeout
        while not self.stop_event.is_set() and (left := end - time.monotonic()) > 0:
            if listener is None:
                self.stop_event.wait(left)
            elif listener.wait(min(left, 1.0)):
                return

    def stop(self) -> None:
        self.stop_event.set()

    def _sleep_for(self, deadline: float | None) -> float | None:
        """Seconds to wait before the next drain; None when the deadline has passed."""
        timeout = self.poll_interval
        wake = next_wake_at()
        if wake is not None:
            # A floor: rows due but held by another worker must not make this one spin.
            timeout = min(timeout, max((wake - timezone.now()).total_seconds(), 0.05))
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            timeout = min(timeout, left)
        return timeout
