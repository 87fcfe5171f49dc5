"""Loopback webhook receivers for the http_request step tests. Webhooks may not reach
loopback unless ``WORKFLOW_HTTP_ALLOWED_NETWORKS`` allows it: the ``receiver`` fixture does,
for 127.0.0.1 only."""

from __future__ import annotations

import socket
import threading

import pytest

from sandbox.http import Request, Response, SandboxHTTPServer, json_response


class Receiver:
    """Answers with the queued responses (then 200 JSON) and records every request. A queued
    int is a status; a queued ``Response`` is sent as it is."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.statuses: list[int | Response] = []

    def __call__(self, request: Request):
        self.requests.append(request)
        queued = self.statuses.pop(0) if self.statuses else 200
        if isinstance(queued, Response):
            return queued
        return json_response({"ok": queued < 400, "seen": len(self.requests)}, status=queued)


@pytest.fixture(scope="module")
def receiver_server():
    app = Receiver()
    server = SandboxHTTPServer(("127.0.0.1", 0), app)
    server.start_in_thread()
    app.url = server.url
    app.port = server.server_address[1]
    yield app
    server.stop()


@pytest.fixture
def loopback_allowed(settings):
    settings.WORKFLOW_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def receiver(receiver_server, loopback_allowed):
    receiver_server.requests.clear()
    receiver_server.statuses.clear()
    return receiver_server


@pytest.fixture
def dripping_server():
    """Answers every connection with headers, then one body byte every 0.2 s for 10 s: each
    read is quick, the whole answer is not."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                         b"Content-Length: 50\r\n\r\n")
            for _ in range(50):
                if stop.wait(0.2):
                    return
                try:
                    conn.sendall(b"x")
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by the fixture
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    listener.close()
