import json
import logging

import pytest

from config.logs import JsonFormatter, MaskingFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """Everything logged during the test, formatted as production writes it."""
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Capture()
    handler.addFilter(MaskingFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


def request_lines(lines):
    return [json.loads(line) for line in lines if '"perfectcatch.request"' in line]


def test_each_request_logs_one_line_with_id_user_status_and_duration(client, admin_user,
                                                                      json_lines):
    client.force_login(admin_user)
    response = client.get("/admin/", HTTP_X_REQUEST_ID="req-0123456789")
    [line] = request_lines(json_lines)
    assert response["X-Request-ID"] == "req-0123456789"
    assert line["request_id"] == "req-0123456789" and line["user"] == admin_user.username
    assert line["status"] == 200 and line["method"] == "GET" and line["duration_ms"] >= 0


def test_a_request_without_an_id_gets_a_fresh_one(client):
    response = client.get("/admin/login/")
    assert len(response["X-Request-ID"]) == 32


def test_an_unsafe_request_id_is_replaced(client):
    response = client.get("/admin/login/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"


def test_query_strings_are_never_logged(client, json_lines):
    client.get("/admin/login/?token=abcdef123456&phone=%2B14155550123")
    text = "\n".join(json_lines)
    assert "abcdef123456" not in text and "4155550123" not in text


def test_probes_are_not_logged_when_they_succeed(client, json_lines):
    client.get("/healthz")
    assert request_lines(json_lines) == []
