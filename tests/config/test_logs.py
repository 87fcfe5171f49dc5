import json
import logging

import pytest

from config.logs import JsonFormatter, MaskingFilter, mask


@pytest.mark.parametrize("text,hidden", [
    ("texting +14155550123 now", "+14155550123"),
    ("call (415) 555-0123 today", "555-0123"),
    ("number 415-555-0123", "415-555"),
    ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
    ("client_secret=s3cr3t&grant_type=client_credentials", "s3cr3t"),
    ('{"access_token": "tok-123"}', "tok-123"),
    ("auth_token=ffff0000", "ffff0000"),
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
