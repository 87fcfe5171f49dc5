"""``manage.py runstack``: the whole service in one terminal, for ``make run``.

Starts the vendor sandbox (when a vendor is not configured), the django-q2 cluster, the
workflow engine's listener and the web server as child processes; runs each app's first-run
demo against the sandbox; prints where to log in; stops everything on Ctrl-C. The cluster is
stopped by signalling its main process only (SIGTERM to its whole process group hangs
django-q2).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.error import URLError
from urllib.request import urlopen

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_q.tasks import async_task

from config.demo_admin import ensure_demo_admin
from config.discovery import app_modules


def wait_for(url: str, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=2):  # noqa: S310 (loopback URL built here)
                return True
        except URLError as exc:
            if getattr(exc, "code", None):  # an HTTP error status still means it is up
                return True
            time.sleep(0.2)
        except OSError:
            time.sleep(0.2)
    return False


class Command(BaseCommand):
    help = "Run the sandbox (if needed), the django-q2 cluster and the web server together."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="web server address")
        parser.add_argument("--no-demo", action="store_true", help="skip the first-run demo")
        parser.add_argument("--exit-after-start", action="store_true",
                            help="start everything, report, then stop (smoke test)")

    def handle(self, *args, addr, no_demo, exit_after_start, **options):
        self.children: list[tuple[str, subprocess.Popen]] = []
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            self.start_all(addr, demo=not no_demo)
            if exit_after_start:
                return
            while all(p.poll() is None for _, p in self.children):
                time.sleep(0.5)
            dead = [name for name, p in self.children if p.poll() is not None]
            raise CommandError(f"{', '.join(dead)} stopped unexpectedly")
        except KeyboardInterrupt:
            self.stdout.write("stopping…")
        finally:
            self.stop_all()

    def start_all(self, addr: str, demo: bool) -> None:
        if "PUBLIC_BASE_URL" not in os.environ:
            # Locally the public origin is this server: the sandbox signs its webhooks for it.
            os.environ["PUBLIC_BASE_URL"] = settings.PUBLIC_BASE_URL = f"http://{addr}"
        using_sandbox = [name for name, block in self.vendor_blocks().items()
                         if block.using_sandbox]
        if using_sandbox:
            self.spawn("sandbox", ["sandbox"])
            if not wait_for(f"{settings.SANDBOX_URL}/_control/stats"):
                raise CommandError(f"the sandbox did not answer at {settings.SANDBOX_URL}")
            self.stdout.write(f"sandbox at {settings.SANDBOX_URL} stands in for "
                              f"{', '.join(using_sandbox)}")
        self.spawn("qcluster", ["qcluster"])
        self.spawn("workflows", ["workflows_run"])
        self.kick_cluster()
        self.spawn("web", ["runserver", addr, "--noreload", "--skip-checks"])
        base = f"http://{addr}"
        if not wait_for(f"{base}/healthz"):
            raise CommandError(f"the web server did not answer at {base}")
        if demo and using_sandbox:
            self.run_demos()
        self.wait_until_ready(base)
        self.report_login(base)

    def kick_cluster(self) -> None:
        """django-q2 first looks at its schedules ~30 s after starting: queue the heartbeat
        now so /readyz turns green at once."""
        async_task("config.tasks.heartbeat")

    def wait_until_ready(self, base: str, timeout: float = 120.0) -> None:
        """/readyz turns 200 once the cluster has run its first heartbeat."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urlopen(f"{base}/readyz", timeout=5):  # noqa: S310 (loopback)
                    return
            except URLError as exc:
                detail = exc.read().decode() if hasattr(exc, "read") else str(exc)
            time.sleep(1)
        self.stdout.write(self.style.WARNING(f"not ready after {timeout:.0f}s: {detail}"))

    def vendor_blocks(self) -> dict:
        return {"ServiceTitan": settings.SERVICETITAN, "GoHighLevel": settings.GHL,
                "Twilio": settings.TWILIO}

    def spawn(self, name: str, args: list[str]) -> None:
        # A session of its own: Ctrl-C reaches only this command, which then stops each child
        # by signalling its main process.
        process = subprocess.Popen([sys.executable, "manage.py", *args],  # noqa: S603
                                   cwd=settings.BASE_DIR, start_new_session=True)
        self.children.append((name, process))

    def run_demos(self) -> None:
        """Each app may have ``demo.py`` with ``run_demo(stdout)``: a first run against the
        sandbox (a first sync, a text going out and a reply coming in, …)."""
        for module in app_modules("demo"):
            app = apps.get_containing_app_config(module.__name__)
            self.stdout.write(self.style.MIGRATE_HEADING(f"Demo: {app.verbose_name}"))
            module.run_demo(self.stdout)

    def report_login(self, base: str) -> None:
        created = ensure_demo_admin()
        self.stdout.write(self.style.SUCCESS(f"\nPerfectCatch is running: {base}/admin/"))
        if created:
            self.stdout.write(f"  log in as '{created.username}'; the password is in "
                              f"{created.password_file} (readable only by you)")
        self.stdout.write(f"  health: {base}/healthz  readiness: {base}/readyz  "
                          f"metrics: {base}/metrics\n  Ctrl-C stops everything.")

    def stop_all(self) -> None:
        for _name, process in reversed(self.children):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the main process only, never the group
        for _name, process in reversed(self.children):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
