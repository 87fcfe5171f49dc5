import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.logs import JsonFormatter, MaskingFilter, mask


@pytest.mark.parametrize("text,hidden", [
    ("texting +14155550123 now", "+14155550123"),
    ("call (415) 555-0123 today", "555-0123"),
    ("number 415-555-0123", "415-555"),
    ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
    ("client_secret=s3cr3t&grant_type=client_credentials", "s3cr3t"),
    ('{"access_token": "tok-123"}', "tok-123"),
    ("auth_token=ffff0000", "ffff0000"),
    ("GET /contacts/?query=%2B14155550123 failed", "4155550"),
    ("redis://:hunter2@cache:6379/0 unreachable", "hunter2"),
    ("headers {'ST-App-Key': 'ak1.secret'}", "ak1.secret"),
    ("X-Api-Key: k-123456", "k-123456"),
])
def test_mask_hides_phone_numbers_and_credentials(text, hidden):
    assert hidden not in mask(text)


def test_mask_keeps_the_last_four_digits_of_a_phone_number():
    assert mask("to +14155550123").endswith("0123")


def test_mask_leaves_ids_and_amounts_alone():
    assert mask("estimate 10000042 total 1250.00") == "estimate 10000042 total 1250.00"


def make_record(msg, *args, exc_info=None):
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)


def test_the_filter_masks_interpolated_arguments():
    record = make_record("sent to %s", "+14155550123")
    MaskingFilter().filter(record)
    assert "+14155550123" not in record.getMessage()


def test_the_filter_masks_exception_text():
    try:
        raise ValueError("could not text +14155550123")
    except ValueError:
        import sys
        record = make_record("failed", exc_info=sys.exc_info())
    MaskingFilter().filter(record)
    assert "+14155550123" not in record.exc_text


def test_json_lines_carry_the_request_fields():
    record = make_record("GET /admin/ 200")
    record.status, record.duration_ms, record.request_id = 200, 3.5, "abc123"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /admin/ 200" and line["status"] == 200
    assert line["request_id"] == "abc123" and line["level"] == "INFO"


PHONE, TOKEN = "+14155550123", "tok-5f3e9a"


def fail_and_log(logger: logging.Logger) -> None:
    try:
        raise RuntimeError(f"texting {PHONE} failed: auth_token={TOKEN}")
    except RuntimeError:
        logger.exception("task %s failed for %s", "send_sms", PHONE)


@pytest.fixture
def own_handler():
    """A stream handler attached straight to a logger that does not propagate, as django-q
    and gunicorn attach theirs: none of our handlers or filters is on the way."""
    attached = []

    def attach(logger: logging.Logger) -> io.StringIO:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        attached.append((logger, handler, logger.propagate))
        logger.addHandler(handler)
        logger.propagate = False
        return stream

    yield attach
    for logger, handler, propagate in attached:
        logger.removeHandler(handler)
        logger.propagate = propagate


@pytest.mark.parametrize("name", ["django-q", "django.request", "workflows.engine"])
def test_every_logger_masks_its_traceback_and_arguments_whatever_its_handler(own_handler, name):
    from django_q.conf import logger as django_q_logger

    logger = django_q_logger if name == "django-q" else logging.getLogger(name)
    stream = own_handler(logger)
    fail_and_log(logger)
    text = stream.getvalue()
    assert "Traceback" in text and "RuntimeError" in text and "task send_sms failed" in text
    assert PHONE not in text and TOKEN not in text and "0123" in text


def test_gunicorns_own_error_log_is_masked(tmp_path):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    gunicorn_log = Logger(config)
    try:
        fail_and_log(gunicorn_log.error_log)
        gunicorn_log.error("Error handling request /webhooks/twilio/sms/?From=%s", PHONE)
    finally:
        for handler in gunicorn_log.error_log.handlers[:]:
            gunicorn_log.error_log.removeHandler(handler)
            handler.close()
    text = (tmp_path / "error.log").read_text()
    assert "Error handling request" in text and "Traceback" in text
    assert PHONE not in text and TOKEN not in text


DJANGO_LINE = """
import django, logging
django.setup()
logging.getLogger("django.request").error("texting +14155550123 failed")
"""


def test_djangos_own_loggers_print_each_line_once_and_masked_in_development(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV":
           "development", "LOG_FORMAT": "plain", "PERFECTCATCH_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", DJANGO_LINE], env=env, capture_output=True,
                            text=True, cwd=settings.BASE_DIR, timeout=120)
    assert result.returncode == 0, result.stderr
    assert PHONE not in result.stderr and result.stderr.count("0123 failed") == 1
