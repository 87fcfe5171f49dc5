"""The GHL client against the sandbox over real HTTP: headers, errors, retries."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import responses

from ghl.client import API_VERSION, GHLClient, GHLError
from ghl.pacing import Pacer
from tests.ghl.conftest import api_requests

pytestmark = pytest.mark.django_db


def test_every_call_carries_the_bearer_token_and_the_api_version(ghl, ghl_client, settings):
    ghl_client.get("/opportunities/pipelines", locationId=ghl_client.location_id)
    ghl_client.post("/contacts/search", {"locationId": ghl_client.location_id, "pageLimit": 1})
    for request in api_requests(ghl):
        assert request["headers"]["authorization"] == f"Bearer {settings.GHL.token}"
        assert request["headers"]["version"] == API_VERSION


def test_the_location_never_travels_in_a_header(ghl, ghl_client):
    ghl_client.get("/opportunities/pipelines", locationId=ghl_client.location_id)
    [request] = api_requests(ghl)
    assert not any("location" in name for name in request["headers"])


def test_it_retries_a_server_error_and_then_succeeds(sandbox, ghl_client, sleeps):
    sandbox.app.faults.add(vendor="ghl", status=503, times=2)
    answer = ghl_client.get("/opportunities/pipelines", locationId=ghl_client.location_id)
    assert answer["pipelines"]
    assert len(sleeps) == 2 and sleeps[1] > 0


def test_it_gives_up_after_the_last_attempt_with_a_retryable_error(sandbox, ghl_client, sleeps):
    sandbox.app.faults.add(vendor="ghl", status=502, times=None)
    with pytest.raises(GHLError) as caught:
        ghl_client.get("/opportunities/pipelines", locationId=ghl_client.location_id)
    assert caught.value.status == 502 and caught.value.retryable
    assert len(sleeps) == ghl_client.max_attempts - 1


def test_it_waits_as_long_as_retry_after_says_on_a_429(sandbox, ghl_client, sleeps):
    sandbox.app.faults.add(vendor="ghl", status=429, times=1, retry_after=3)
    ghl_client.get("/opportunities/pipelines", locationId=ghl_client.location_id)
    assert sleeps == [3.0]


@responses.activate
def test_it_waits_until_the_date_a_retry_after_gives(ghl_client, sleeps):
    url = f"{ghl_client.base_url}/users/"
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    responses.get(url, status=429, json={"message": "slow down"}, headers={"Retry-After": later})
    responses.get(url, json={"users": []})
    assert ghl_client.get("/users/", locationId=ghl_client.location_id) == {"users": []}
    [wait] = sleeps
    assert 55 <= wait <= 60


def test_a_retry_after_of_hours_comes_back_as_a_retryable_error_at_once(sandbox, ghl_client,
                                                                         sleeps):
    sandbox.app.faults.add(vendor="ghl", status=429, times=1, retry_after=7200)
    with pytest.raises(GHLError) as caught:
        ghl_client.get("/opportunities/pipelines", locationId=ghl_client.location_id)
    assert caught.value.status == 429 and caught.value.retryable and sleeps == []


def test_a_wrong_token_is_a_permanent_error_with_ghls_message(ghl, settings, sleeps):
    settings.GHL = replace(settings.GHL, token="not-the-token")
    with pytest.raises(GHLError) as caught:
        GHLClient(pacer=Pacer(sleep=sleeps), sleep=sleeps).get("/users/", locationId="x")
    assert caught.value.status == 401 and not caught.value.retryable
    assert "token" in caught.value.message.lower() and sleeps == []


def test_another_location_is_a_clear_403(ghl_client):
    with pytest.raises(GHLError) as caught:
        ghl_client.get("/users/", locationId="someoneElsesLocation")
    assert caught.value.status == 403 and "location" in caught.value.message


def test_a_422_carries_every_validation_message(ghl_client):
    with pytest.raises(GHLError) as caught:
        ghl_client.post("/opportunities/", {"locationId": ghl_client.location_id, "name": "x"})
    error = caught.value
    assert error.status == 422 and not error.retryable
    assert "pipelineId" in error.message and "contactId" in error.message
    assert "POST /opportunities/" in str(error)


def test_nothing_listening_is_a_retryable_error_without_a_status(settings, sleeps):
    settings.GHL = replace(settings.GHL, base_url="http://127.0.0.1:9")
    client = GHLClient(pacer=Pacer(sleep=sleeps), sleep=sleeps, max_attempts=2)
    with pytest.raises(GHLError) as caught:
        client.get("/users/")
    assert caught.value.status is None and caught.value.retryable and len(sleeps) == 1
