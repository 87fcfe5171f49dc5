import pytest

from servicetitan.responses import ServiceTitanError, parse_body


def test_integers_beyond_64_bits_are_decoded_exactly():
    assert parse_body(b'{"id": 1, "big": 1267650600228229401496703205376}')["big"] == 2**100


def test_ordinary_bodies_decode_as_json():
    assert parse_body(b'{"data": [1.5, "x"]}') == {"data": [1.5, "x"]}


def test_a_body_that_is_not_json_is_a_value_error():
    with pytest.raises(ValueError):
        parse_body(b"<html>Bad gateway</html>")


def test_the_error_message_names_the_endpoint():
    error = ServiceTitanError("404 Not Found", status=404, endpoint="/crm/v2/tenant/1/x")
    assert str(error) == "GET /crm/v2/tenant/1/x: 404 Not Found"
