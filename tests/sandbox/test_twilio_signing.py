"""The sandbox's X-Twilio-Signature equals twilio-python's RequestValidator's."""

import pytest
from twilio.request_validator import RequestValidator

from sandbox.credentials import SANDBOX_TWILIO_AUTH_TOKEN
from sandbox.twilio.signing import twilio_signature

PARAMS = {"From": "+14075550142", "To": "+15005550006", "Body": "Oui, ça marche 👍",
          "MessageSid": "SM" + "1" * 32, "NumMedia": "0", "AccountSid": "AC" + "2" * 32}
validator = RequestValidator(SANDBOX_TWILIO_AUTH_TOKEN)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/webhooks/twilio/sms/",
    "https://pc.example.com/webhooks/twilio/sms/",
    "https://pc.example.com:8443/webhooks/twilio/sms/",
    "https://pc.example.com/webhooks/twilio/status/?attempt=2&b=%20x",
])
def test_the_signature_equals_request_validators(url):
    ours = twilio_signature(SANDBOX_TWILIO_AUTH_TOKEN, url, PARAMS)
    assert ours == validator.compute_signature(url, PARAMS)
    assert validator.validate(url, PARAMS, ours)


def test_parameters_are_sorted_by_name_case_sensitively():
    params = {"b": "1", "B": "2", "a": "3"}
    ours = twilio_signature("token", "https://x.example/", params)
    assert ours == RequestValidator("token").compute_signature("https://x.example/", params)


def test_a_signature_for_another_url_does_not_validate():
    ours = twilio_signature(SANDBOX_TWILIO_AUTH_TOKEN, "https://pc.example.com/a", PARAMS)
    assert not validator.validate("https://pc.example.com/b", PARAMS, ours)


def test_a_signature_with_another_token_does_not_validate():
    ours = twilio_signature("another-token", "https://pc.example.com/a", PARAMS)
    assert not validator.validate("https://pc.example.com/a", PARAMS, ours)
