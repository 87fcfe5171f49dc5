import socket

import pytest

from tests.conftest import InternetAccessBlocked


def test_a_connection_to_the_internet_fails_at_once():
    with socket.socket() as sock, pytest.raises(InternetAccessBlocked):
        sock.connect(("93.184.215.14", 443))


def test_requests_to_a_public_host_fail_too():
    import requests

    with pytest.raises(Exception) as excinfo:
        requests.get("http://1.1.1.1/", timeout=2)
    assert "tests may not connect" in repr(excinfo.value) or isinstance(
        excinfo.value.__context__, InternetAccessBlocked)


def test_loopback_is_allowed():
    from sandbox.http import SandboxHTTPServer, json_response

    server = SandboxHTTPServer(("127.0.0.1", 0), lambda request: json_response({"ok": True}))
    server.start_in_thread()
    try:
        import requests

        assert requests.get(server.url, timeout=5).json() == {"ok": True}
    finally:
        server.stop()
