"""The Twilio sandbox through twilio-python 9 over real HTTP: create, fetch, errors, auth."""

import re

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from sandbox.credentials import (
    SANDBOX_TWILIO_ACCOUNT_SID,
    SANDBOX_TWILIO_AUTH_TOKEN,
    SANDBOX_TWILIO_FROM_NUMBER,
)
from sandbox.twilio.app import SANDBOX_MESSAGING_SERVICE_SID
from tests.sandbox.ghl_twilio_support import SandboxTwilioHttpClient

pytest_plugins = ["tests.sandbox.ghl_twilio_fixtures"]

CUSTOMER = "+14075550142"


def send(client: Client, **kwargs):
    return client.messages.create(**{"to": CUSTOMER, "from_": SANDBOX_TWILIO_FROM_NUMBER,
                                     "body": "Your estimate is ready", **kwargs})


def test_a_message_created_through_twilio_python_parses_like_twilios(twilio_client):
    message = send(twilio_client, status_callback="https://example.com/status")
    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid)
    assert (message.status, message.to, message.from_) == ("queued", CUSTOMER,
                                                          SANDBOX_TWILIO_FROM_NUMBER)
    assert (message.account_sid, message.api_version) == (SANDBOX_TWILIO_ACCOUNT_SID,
                                                          "2010-04-01")
    assert (message.num_segments, message.direction) == ("1", "outbound-api")
    assert message.error_code is None and message.price is None
    assert message.date_created.tzinfo is not None  # parsed from RFC 2822
    assert message.uri.endswith(f"/Messages/{message.sid}.json")


def test_a_message_through_a_messaging_service_is_accepted_without_a_sender(twilio_client):
    message = twilio_client.messages.create(
        to=CUSTOMER, messaging_service_sid=SANDBOX_MESSAGING_SERVICE_SID, body="Hi")
    assert (message.status, message.from_) == ("accepted", None)
    assert message.messaging_service_sid == SANDBOX_MESSAGING_SERVICE_SID


def test_the_api_domains_base_url_can_point_at_the_sandbox_too(vendor_server, twilio):
    client = Client(SANDBOX_TWILIO_ACCOUNT_SID, SANDBOX_TWILIO_AUTH_TOKEN)
    client.api.base_url = f"{vendor_server.url}/twilio"
    assert send(client).status == "queued"


def test_a_created_message_can_be_fetched(twilio_client):
    sid = send(twilio_client).sid
    assert twilio_client.messages(sid).fetch().body == "Your estimate is ready"


def test_fetching_an_unknown_message_is_404(twilio_client):
    with pytest.raises(TwilioRestException) as error:
        twilio_client.messages("SM" + "0" * 32).fetch()
    assert (error.value.status, error.value.code) == (404, 20404)


def test_a_wrong_auth_token_is_401_with_twilios_error(vendor_server, twilio):
    client = Client(SANDBOX_TWILIO_ACCOUNT_SID, "wrong-token",
                    http_client=SandboxTwilioHttpClient(f"{vendor_server.url}/twilio"))
    with pytest.raises(TwilioRestException) as error:
        send(client)
    assert (error.value.status, error.value.code, error.value.msg) == (
        401, 20003, "Unable to create record: Authenticate")


def test_the_401_body_has_code_message_more_info_and_status(vendor_server, twilio):
    url = f"{vendor_server.url}/twilio/2010-04-01/Accounts/{SANDBOX_TWILIO_ACCOUNT_SID}/" \
          "Messages.json"
    response = requests.post(url, data={"To": CUSTOMER}, timeout=10)
    assert response.status_code == 401
    assert response.json() == {"code": 20003, "message": "Authenticate", "status": 401,
                               "more_info": "https://www.twilio.com/docs/errors/20003"}


def test_another_accounts_path_is_404(vendor_server, twilio):
    url = f"{vendor_server.url}/twilio/2010-04-01/Accounts/AC{'0' * 32}/Messages.json"
    response = requests.post(url, data={"To": CUSTOMER}, timeout=10,
                             auth=(SANDBOX_TWILIO_ACCOUNT_SID, SANDBOX_TWILIO_AUTH_TOKEN))
    assert response.status_code == 404


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"to": "4075550142"}, 21211),                   # not E.164
    ({"to": "+15005550001"}, 21211),                 # Twilio's magic invalid number
    ({"to": "+15005550004"}, 21610),                 # magic: replied STOP
    ({"to": "+15005550009"}, 21614),                 # magic: landline, not SMS-capable
    ({"to": "+15005550002"}, 21612),                 # magic: cannot route
    ({"to": "+15005550003"}, 21408),                 # magic: no permission for the region
    ({"body": ""}, 21602),                           # empty body
    ({"body": "x" * 1601}, 21617),                   # over 1600 characters
    ({"from_": "+15005550007"}, 21606),              # not one of the account's numbers
    ({"from_": "+14075550100"}, 21606),
    ({"from_": "+15005550001"}, 21212),              # magic: invalid From
    ({"from_": "+15005550008"}, 21611),              # magic: From's queue is full
    ({"to": ""}, 21604),                             # no To
    ({"status_callback": "ftp://example.com/x"}, 21609),
    ({"validity_period": 36001}, 21624),
])
def test_each_refusal_has_twilios_error_code_and_400(twilio_client, kwargs, code):
    with pytest.raises(TwilioRestException) as error:
        send(twilio_client, **kwargs)
    assert (error.value.status, error.value.code) == (400, code)


def test_neither_from_nor_a_messaging_service_is_21603(twilio_client):
    with pytest.raises(TwilioRestException) as error:
        twilio_client.messages.create(to=CUSTOMER, body="Hi")
    assert error.value.code == 21603


def test_an_unknown_messaging_service_is_21705(twilio_client):
    with pytest.raises(TwilioRestException) as error:
        twilio_client.messages.create(to=CUSTOMER, messaging_service_sid="MG" + "0" * 32,
                                      body="Hi")
    assert error.value.code == 21705


def test_a_body_of_exactly_1600_characters_is_accepted(twilio_client):
    assert send(twilio_client, body="x" * 1600).num_segments == "11"


def test_unknown_parameters_are_ignored(vendor_server, twilio):
    url = f"{vendor_server.url}/twilio/2010-04-01/Accounts/{SANDBOX_TWILIO_ACCOUNT_SID}/" \
          "Messages.json"
    response = requests.post(url, timeout=10, auth=(SANDBOX_TWILIO_ACCOUNT_SID,
                                                     SANDBOX_TWILIO_AUTH_TOKEN),
                              data={"To": CUSTOMER, "From": SANDBOX_TWILIO_FROM_NUMBER,
                                    "Body": "Hi", "ShortenUrls": "true", "Whatever": "1"})
    assert response.status_code == 201


@pytest.mark.parametrize(("body", "segments"), [
    ("a" * 160, "1"), ("a" * 161, "2"), ("€" * 80, "1"), ("€" * 81, "2"),
    ("é" * 160, "1"), ("ł" * 70, "1"), ("ł" * 71, "2"), ("Hi 😀", "1"),
])
def test_segments_are_counted_for_gsm7_and_ucs2(twilio_client, body, segments):
    assert send(twilio_client, body=body).num_segments == segments


def test_sent_messages_are_listed_with_what_was_asked(twilio, twilio_client):
    sid = send(twilio_client, status_callback="https://example.com/status").sid
    [message] = twilio.messages()
    assert (message["sid"], message["to"]) == (sid, CUSTOMER)
    [entry] = twilio.requests()
    assert entry["form"]["StatusCallback"] == "https://example.com/status"
    assert entry["headers"]["authorization"].startswith("Basic ")
