"""The Twilio client choke point against the sandbox: errors become TwilioSendError with
Twilio's code, whether a retry can help, and whether the text may have gone."""

from dataclasses import replace

import pytest
import requests
import responses

from messaging import twilio as client
from messaging.twilio import TwilioSendError, send_message

CALLBACK = "https://pc.example.com/webhooks/twilio/status/"


def send(to="+14075550142"):
    return send_message(to=to, body="Hi", status_callback=CALLBACK)


def test_a_text_is_created_with_the_configured_sender(twilio):
    submitted = send()
    assert submitted.status == "queued" and submitted.segments == 1
    assert twilio.requests()[0]["form"]["From"] == "+15005550006"


def test_a_messaging_service_is_used_when_configured(twilio, settings):
    settings.TWILIO = replace(settings.TWILIO, messaging_service_sid="MG" + "5b" * 16)
    assert send().status == "accepted"
    assert client.sender() == "MG" + "5b" * 16


def test_an_invalid_number_is_a_permanent_error_with_twilios_code(twilio):
    with pytest.raises(TwilioSendError) as error:
        send("+15005550001")
    assert (error.value.code, error.value.retryable, error.value.outcome_unknown) == (
        21211, False, False)


def test_wrong_credentials_are_permanent(twilio, settings):
    settings.TWILIO = replace(settings.TWILIO, auth_token="wrong")
    with pytest.raises(TwilioSendError) as error:
        send()
    assert (error.value.status, error.value.code, error.value.retryable) == (401, 20003, False)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_server_errors_are_transient(twilio, twilio_server, status):
    twilio_server.app.faults.add(vendor="twilio", path_contains="Messages", status=status)
    with pytest.raises(TwilioSendError) as error:
        send()
    assert error.value.retryable and not error.value.outcome_unknown


def test_a_refused_connection_cannot_have_sent_anything(twilio, settings, unused_port):
    settings.TWILIO = replace(settings.TWILIO, api_base_url=f"http://127.0.0.1:{unused_port}")
    with pytest.raises(TwilioSendError) as error:
        send()
    assert error.value.retryable and not error.value.outcome_unknown


@responses.activate
def test_a_read_timeout_leaves_the_outcome_unknown(settings):
    settings.TWILIO = replace(settings.TWILIO, api_base_url="http://127.0.0.1:9")
    url = f"http://127.0.0.1:9/2010-04-01/Accounts/{settings.TWILIO.account_sid}/Messages.json"
    responses.add(responses.POST, url, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(TwilioSendError) as error:
        send()
    assert error.value.outcome_unknown and not error.value.retryable
