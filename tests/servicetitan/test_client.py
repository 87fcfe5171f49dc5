"""The client against the sandbox over real HTTP: token, app key, retries, errors, paging."""

import socket
from dataclasses import replace

import pytest
import responses

from servicetitan import client as client_module
from servicetitan.client import ServiceTitanClient, TokenCache
from servicetitan.responses import ServiceTitanError

TENANT = 1000001
CUSTOMERS = f"/crm/v2/tenant/{TENANT}/customers"
EXPORT_CUSTOMERS = f"/crm/v2/tenant/{TENANT}/export/customers"


def token_requests(st) -> int:
    return st.stats()["endpoints"].get("/connect/token", 0)


def test_it_sends_the_token_and_app_key_the_api_requires(st, make_client):
    body = make_client().get(CUSTOMERS)
    assert body["page"] == 1 and len(body["data"]) == 50


def test_it_requests_one_token_for_many_calls(st, make_client):
    client = make_client()
    for _ in range(3):
        client.get(CUSTOMERS)
    assert token_requests(st) == 1


def test_it_renews_the_token_after_a_401_and_carries_on(st, make_client):
    client = make_client()
    client.get(CUSTOMERS)
    st.expire_tokens()

    client.get(CUSTOMERS)

    assert token_requests(st) == 2 and client.retries == 1


def test_the_token_is_renewed_a_minute_before_it_expires():
    now = [0.0]
    cache, issued = TokenCache(clock=lambda: now[0]), []
    fetch = lambda: (issued.append(len(issued)) or f"t{len(issued)}", 900)  # noqa: E731
    cache.get(fetch)
    now[0] = 839.0
    assert cache.get(fetch) == "t1"
    now[0] = 841.0
    assert cache.get(fetch) == "t2"


def test_a_refused_app_key_is_an_error_after_one_renewal(st, make_client, settings):
    settings.SERVICETITAN = replace(settings.SERVICETITAN, app_key="wrong")
    with pytest.raises(ServiceTitanError) as caught:
        make_client().get(CUSTOMERS)
    assert caught.value.status == 401 and not caught.value.retryable
    assert CUSTOMERS in str(caught.value) and "ST-App-Key" in str(caught.value)


def test_refused_credentials_say_so_without_retrying(st, make_client, settings, waits):
    settings.SERVICETITAN = replace(settings.SERVICETITAN, client_secret="wrong")
    with pytest.raises(ServiceTitanError, match="token request: 400 invalid_client"):
        make_client().get(CUSTOMERS)
    assert waits.seconds == []


def test_a_429_waits_as_long_as_retry_after_says(sandbox, st, make_client, waits):
    sandbox.app.faults.add(vendor="servicetitan", path_contains="/customers", status=429,
                           retry_after=7, times=2)
    client = make_client()

    client.get(CUSTOMERS)

    assert waits.seconds == [7.0, 7.0] and client.retries == 2


def test_500s_are_retried_with_jittered_exponential_backoff(sandbox, st, make_client, waits):
    sandbox.app.faults.add(vendor="servicetitan", path_contains="/customers", status=500,
                           times=3)
    make_client(backoff_base=1.0).get(CUSTOMERS)
    assert len(waits.seconds) == 3
    assert all(0 <= wait <= 2 ** attempt for attempt, wait in enumerate(waits.seconds, 1))


def test_a_409_maintenance_answer_is_retried(sandbox, st, make_client, waits):
    sandbox.app.faults.add(vendor="servicetitan", path_contains="/customers", status=409,
                           body={"title": "Tenant is suspended for maintenance"})
    make_client().get(CUSTOMERS)
    assert len(waits.seconds) == 1


def test_retries_stop_after_the_limit_with_a_retryable_error(sandbox, st, make_client, waits):
    sandbox.app.faults.add(vendor="servicetitan", path_contains="/customers", status=503,
                           times=None)
    with pytest.raises(ServiceTitanError) as caught:
        make_client(max_retries=3).get(CUSTOMERS)
    assert caught.value.retryable and caught.value.status == 503
    assert len(waits.seconds) == 3


def test_connection_errors_are_retried_then_reported(st, make_client, settings, waits):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SERVICETITAN = replace(settings.SERVICETITAN,
                                    auth_url=f"http://127.0.0.1:{port}/connect/token")
    with pytest.raises(ServiceTitanError, match="connection failed") as caught:
        make_client(max_retries=2).get(CUSTOMERS)
    assert caught.value.retryable and len(waits.seconds) == 2


def test_a_404_is_not_retried_and_names_the_endpoint(st, make_client, waits):
    wrong = f"/dispatch/v2/tenant/{TENANT}/appointments"
    with pytest.raises(ServiceTitanError) as caught:
        make_client().get(wrong)
    assert caught.value.status == 404 and not caught.value.retryable
    assert str(caught.value).startswith(f"GET {wrong}: 404")
    assert waits.seconds == []


def test_a_400_reports_the_field_errors(st, make_client):
    with pytest.raises(ServiceTitanError, match="from: 'garbage' is neither a date") as caught:
        make_client().get(EXPORT_CUSTOMERS, {"from": "garbage"})
    assert caught.value.status == 400


def test_a_403_is_not_retried(sandbox, st, make_client, waits):
    sandbox.app.faults.add(vendor="servicetitan", path_contains="/customers", status=403,
                           body={"title": "Forbidden", "status": 403})
    with pytest.raises(ServiceTitanError, match="403 Forbidden"):
        make_client().get(CUSTOMERS)
    assert waits.seconds == []


def test_export_pages_follow_continue_from_until_has_more_is_false(st, make_client):
    st.set_options(export_page_size=40)
    pages = list(make_client().export_pages(EXPORT_CUSTOMERS))
    assert [page.has_more for page in pages] == [True, True, False]
    ids = [record["id"] for page in pages for record in page.records]
    assert len(ids) == len(set(ids)) == 100


def test_a_stored_token_resumes_the_export_where_it_stopped(st, make_client):
    st.set_options(export_page_size=40)
    client = make_client()
    first = next(client.export_pages(EXPORT_CUSTOMERS))
    rest = list(client.export_pages(EXPORT_CUSTOMERS, first.continue_from))
    assert len(first.records) + sum(len(page.records) for page in rest) == 100


def test_list_pages_are_walked_until_has_more_is_false(st, make_client, monkeypatch):
    monkeypatch.setattr(client_module, "LIST_PAGE_SIZE", 30)
    pages = list(make_client().list_pages(CUSTOMERS, {"active": "Any"}))
    assert [len(page.records) for page in pages] == [30, 30, 30, 10]


def test_list_pages_ask_for_the_documented_maximum_page_size(st, make_client):
    pages = list(make_client().list_pages(CUSTOMERS, {"active": "Any"}))
    assert len(pages) == 1 and len(pages[0].records) == 100  # the list default would be 50


@responses.activate
def test_an_export_that_claims_more_but_does_not_advance_is_an_error(settings):
    base = settings.SERVICETITAN.api_base_url
    responses.post(settings.SERVICETITAN.auth_url, json={"access_token": "t", "expires_in": 900})
    responses.get(f"{base}{EXPORT_CUSTOMERS}",
                  json={"hasMore": True, "continueFrom": "same", "data": []})
    client = ServiceTitanClient(settings.SERVICETITAN, tokens=TokenCache())
    with pytest.raises(ServiceTitanError, match="does not advance"):
        list(client.export_pages(EXPORT_CUSTOMERS, "same"))


@responses.activate
def test_an_answer_that_is_not_an_envelope_is_an_error(settings):
    base = settings.SERVICETITAN.api_base_url
    responses.post(settings.SERVICETITAN.auth_url, json={"access_token": "t", "expires_in": 900})
    responses.get(f"{base}{EXPORT_CUSTOMERS}", json=[1, 2, 3])
    client = ServiceTitanClient(settings.SERVICETITAN, tokens=TokenCache())
    with pytest.raises(ServiceTitanError, match="not an export envelope"):
        list(client.export_pages(EXPORT_CUSTOMERS))
