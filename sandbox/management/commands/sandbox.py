from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sandbox.http import SandboxHTTPServer
from sandbox.server import build_app
from sandbox.servicetitan.app import MAX_SCALE
from sandbox.twilio import TwilioSandbox


class Command(BaseCommand):
    help = "Serve the ServiceTitan, GHL and Twilio sandboxes on one local port."

    def add_arguments(self, parser):
        default = urlsplit(settings.SANDBOX_URL)
        parser.add_argument("--host", default=default.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=default.port or 8765)
        parser.add_argument("--scale", type=int, default=1,
                            help="tenant size: about 100 customers per unit of scale")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--verbose-requests", action="store_true")
        parser.add_argument("--no-twilio-callbacks", action="store_true",
                            help="do not post Twilio status callbacks after each send")

    def handle(self, *args, host, port, scale, seed, verbose_requests, no_twilio_callbacks,
               **options):
        if not 1 <= scale <= MAX_SCALE:
            raise CommandError(f"--scale must be from 1 to {MAX_SCALE}")
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise CommandError("the sandbox only listens on loopback")
        app = build_app(scale=scale, seed=seed)
        # The demo gets delivery receipts the way Twilio sends them, from a background thread
        # (tests build their own apps and keep them off, to stay deterministic).
        app.vendors["twilio"] = TwilioSandbox(auto_callbacks=not no_twilio_callbacks)
        try:
            server = SandboxHTTPServer((host, port), app, verbose=verbose_requests)
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        self.stdout.write(f"sandbox serving ServiceTitan, GHL and Twilio at {server.url} "
                          f"(scale {scale}, seed {seed})")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
