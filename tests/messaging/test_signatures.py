"""X-Twilio-Signature on the inbound webhook: valid, invalid, behind a proxy, port variants."""

from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from messaging.models import SmsMessage
from tests.messaging.conftest import inbound_params, sign, signed_post

pytestmark = pytest.mark.django_db
PATH = "/webhooks/twilio/sms/"


def test_a_correctly_signed_request_is_accepted(client):
    response = signed_post(client, PATH, inbound_params("On my way"))
    assert response.status_code == 200 and SmsMessage.objects.count() == 1


def test_the_signature_matches_twilio_pythons_own(settings):
    params = inbound_params("Hello")
    url = "https://pc.example.com" + PATH
    assert sign(url, params) == RequestValidator(settings.TWILIO.auth_token).compute_signature(
        url, params)


def test_a_wrong_signature_is_403_and_nothing_is_stored(client):
    response = signed_post(client, PATH, inbound_params("STOP"),
                           signed_url="https://attacker.example" + PATH)
    assert response.status_code == 403 and b"invalid X-Twilio-Signature" in response.content
    assert not SmsMessage.objects.exists()


def test_a_missing_signature_is_403(client):
    response = client.post(PATH, data="From=%2B14075550142",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 403 and b"missing" in response.content


def test_a_tampered_parameter_breaks_the_signature(client, settings):
    params = inbound_params("Tuesday works")
    signature = sign("https://pc.example.com" + PATH, params)
    tampered = {**params, "Body": "STOP"}
    response = client.post(PATH, data=urlencode(tampered), HTTP_X_TWILIO_SIGNATURE=signature,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 403


def test_a_signature_with_another_auth_token_is_refused(client):
    params = inbound_params("Hi")
    response = client.post(PATH, data=urlencode(params),
                           content_type="application/x-www-form-urlencoded",
                           HTTP_X_TWILIO_SIGNATURE=sign("https://pc.example.com" + PATH,
                                                        params, token="another-token"))
    assert response.status_code == 403


def test_behind_a_tls_proxy_the_public_https_url_is_what_is_checked(client):
    # Django sees http://testserver/...; Twilio signed https://pc.example.com/...
    response = signed_post(client, PATH, inbound_params("Hi"), secure=False,
                           HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200


def test_the_query_string_is_part_of_the_signed_url(client):
    params = inbound_params("Hi")
    response = signed_post(client, PATH + "?source=main", params,
                           signed_url="https://pc.example.com" + PATH + "?source=main")
    assert response.status_code == 200
    unsigned_query = signed_post(client, PATH + "?source=main",
                                 inbound_params("Hi", "SM" + "b" * 32),
                                 signed_url="https://pc.example.com" + PATH)
    assert unsigned_query.status_code == 403


@pytest.mark.parametrize(("public", "signed"), [
    ("https://pc.example.com", "https://pc.example.com:443"),       # Twilio added the port
    ("https://pc.example.com:443", "https://pc.example.com"),       # Twilio left it out
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),             # a non-default port
    ("http://pc.example.com", "http://pc.example.com:80"),
])
def test_a_url_signed_with_or_without_the_default_port_is_accepted(client, settings, public,
                                                                     signed):
    settings.PUBLIC_BASE_URL = public
    response = signed_post(client, PATH, inbound_params("Hi"), signed_url=signed + PATH)
    assert response.status_code == 200


def test_a_different_non_default_port_is_refused(client, settings):
    settings.PUBLIC_BASE_URL = "https://pc.example.com:8443"
    response = signed_post(client, PATH, inbound_params("Hi"),
                           signed_url="https://pc.example.com:9443" + PATH)
    assert response.status_code == 403


@pytest.fixture
def rotating(settings):
    """The auth token is being rotated: a new one configured, the old one still accepted."""
    from dataclasses import replace

    old = settings.TWILIO.auth_token
    settings.TWILIO = replace(settings.TWILIO, auth_token="the-new-token",
                              previous_auth_token=old)
    return old


def test_during_a_rotation_both_tokens_sign_genuine_requests(client, rotating, caplog):
    params = inbound_params("Signed the old way")
    response = client.post(PATH, data=urlencode(params),
                           content_type="application/x-www-form-urlencoded",
                           HTTP_X_TWILIO_SIGNATURE=sign("https://pc.example.com" + PATH,
                                                        params, token=rotating))
    assert response.status_code == 200 and SmsMessage.objects.count() == 1
    assert "signed with TWILIO_AUTH_TOKEN_PREVIOUS" in caplog.text
    caplog.clear()
    params = inbound_params("Signed the new way", sid="SM" + "b2" * 16)
    response = client.post(PATH, data=urlencode(params),
                           content_type="application/x-www-form-urlencoded",
                           HTTP_X_TWILIO_SIGNATURE=sign("https://pc.example.com" + PATH,
                                                        params, token="the-new-token"))
    assert response.status_code == 200 and SmsMessage.objects.count() == 2
    assert "PREVIOUS" not in caplog.text


def test_during_a_rotation_a_third_token_is_still_refused(client, rotating):
    params = inbound_params("Hi")
    response = client.post(PATH, data=urlencode(params),
                           content_type="application/x-www-form-urlencoded",
                           HTTP_X_TWILIO_SIGNATURE=sign("https://pc.example.com" + PATH,
                                                        params, token="another-token"))
    assert response.status_code == 403 and not SmsMessage.objects.exists()
