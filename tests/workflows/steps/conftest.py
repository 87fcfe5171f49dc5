"""A loopback webhook receiver for the http_request step tests."""

from __future__ import annotations

import pytest

from sandbox.http import Request, SandboxHTTPServer, json_response


class Receiver:
    """Answers with the queued statuses (then 200) and records every request."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.statuses: list[int] = []

    def __call__(self, request: Request):
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 200
        return json_response({"ok": status < 400, "seen": len(self.requests)}, status=status)


@pytest.fixture(scope="module")
def receiver_server():
    app = Receiver()
    server = SandboxHTTPServer(("127.0.0.1", 0), app)
    server.start_in_thread()
    app.url = server.url
    yield app
    server.stop()


@pytest.fixture
def receiver(receiver_server):
    receiver_server.requests.clear()
    receiver_server.statuses.clear()
    return receiver_server
