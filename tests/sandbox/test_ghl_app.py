"""The GHL sandbox's gate: bearer token, Version header, rate limits, request log, routing."""

import pytest
import requests

from sandbox.ghl import GHLSandbox
from sandbox.server import SandboxApp, start_sandbox
from tests.sandbox.ghl_twilio_support import GHL_HEADERS, LOCATION, FakeClock, GHLApi

pytest_plugins = ["tests.sandbox.ghl_twilio_fixtures"]


def pipelines_url(ghl_api: GHLApi) -> str:
    return f"{ghl_api.base_url}/opportunities/pipelines?locationId={LOCATION}"


def test_a_call_without_a_bearer_token_is_refused_with_ghls_401_shape(ghl_api):
    response = requests.get(pipelines_url(ghl_api), headers={"Version": "2021-07-28"},
                            timeout=10)
    assert response.status_code == 401
    assert response.json() == {"statusCode": 401, "error": "Unauthorized",
                               "message": "Invalid token: access token is invalid"}


def test_a_call_with_a_wrong_token_is_refused(ghl_api):
    headers = {**GHL_HEADERS, "Authorization": "Bearer not-the-token"}
    assert requests.get(pipelines_url(ghl_api), headers=headers, timeout=10).status_code == 401


def test_a_call_without_the_version_header_gets_400_with_a_reason(ghl_api):
    headers = {"Authorization": GHL_HEADERS["Authorization"]}
    response = requests.get(pipelines_url(ghl_api), headers=headers, timeout=10)
    assert response.status_code == 400
    assert "Version" in response.json()["message"]


def test_a_call_without_the_version_header_still_carries_the_rate_limit_headers(ghl_api):
    headers = {"Authorization": GHL_HEADERS["Authorization"]}
    response = requests.get(pipelines_url(ghl_api), headers=headers, timeout=10)
    assert response.headers["X-RateLimit-Remaining"] == "99"


def test_a_call_with_another_version_gets_400(ghl_api):
    headers = {**GHL_HEADERS, "Version": "2021-04-15"}
    response = requests.get(pipelines_url(ghl_api), headers=headers, timeout=10)
    assert response.status_code == 400
    assert "2021-07-28" in response.json()["message"]


def test_an_unknown_path_gets_nests_404(ghl_api):
    response = ghl_api.get("/contacts/abc/unknown")
    assert response.status_code == 404
    assert response.json()["message"] == "Cannot GET /contacts/abc/unknown"


def test_a_body_that_is_not_json_gets_400(ghl_api):
    response = ghl_api.session.post(ghl_api.base_url + "/contacts/upsert", data=b"{nope",
                                    headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400


def test_another_locations_id_is_forbidden(ghl_api):
    response = ghl_api.get("/opportunities/pipelines", locationId="someOtherLocation0001")
    assert response.status_code == 403


def test_every_answer_carries_the_rate_limit_headers_counting_down(ghl_api):
    first = ghl_api.get("/opportunities/pipelines", locationId=LOCATION)
    second = ghl_api.get("/opportunities/pipelines", locationId=LOCATION)
    assert first.headers["X-RateLimit-Max"] == "100"
    assert first.headers["X-RateLimit-Interval-Milliseconds"] == "10000"
    assert first.headers["X-RateLimit-Daily-Max"] == "200000"
    assert int(second.headers["X-RateLimit-Remaining"]) == \
        int(first.headers["X-RateLimit-Remaining"]) - 1
    assert int(second.headers["X-RateLimit-Daily-Remaining"]) == \
        int(first.headers["X-RateLimit-Daily-Remaining"]) - 1


@pytest.fixture
def limited():
    """A GHL sandbox of its own allowing 5 calls per second, on a clock the test moves."""
    clock = FakeClock()
    running = start_sandbox(app=SandboxApp({"ghl": GHLSandbox(
        rate_limit_max=5, rate_limit_interval_ms=1000, contacts=5, opportunities=2,
        clock=clock)}))
    yield GHLApi(f"{running.url}/ghl"), clock
    running.stop()


def test_past_the_burst_the_answer_is_429_with_retry_after(limited):
    api, _clock = limited
    answers = [api.get("/opportunities/pipelines", locationId=LOCATION) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0",
                                                                     "0"]
    assert answers[-1].headers["Retry-After"] == "1"
    assert answers[-1].json()["statusCode"] == 429


def test_the_burst_allowance_comes_back_after_the_interval(limited):
    api, clock = limited
    for _ in range(5):
        api.get("/opportunities/pipelines", locationId=LOCATION)
    clock.advance(1.0)
    assert api.get("/opportunities/pipelines", locationId=LOCATION).status_code == 200


def test_rate_limits_can_be_changed_at_run_time(ghl, ghl_api):
    ghl.configure(rate_limit_max=1, rate_limit_interval_ms=60_000)
    assert ghl_api.get("/opportunities/pipelines", locationId=LOCATION).status_code == 200
    assert ghl_api.get("/opportunities/pipelines", locationId=LOCATION).status_code == 429


def test_reset_drops_the_options_set_at_run_time(ghl, ghl_api):
    ghl.configure(rate_limit_max=1)
    ghl.reset()
    response = ghl_api.get("/opportunities/pipelines", locationId=LOCATION)
    assert response.headers["X-RateLimit-Max"] == "100"


def test_an_unknown_option_is_refused_at_construction():
    with pytest.raises(TypeError):
        GHLSandbox(burst=5)


def test_the_request_log_holds_method_path_headers_body_and_status(ghl, ghl_api):
    ghl_api.post("/contacts/upsert", {"locationId": LOCATION, "email": "log@example.com"})
    [entry] = ghl.requests()
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/contacts/upsert", 200)
    assert entry["headers"]["version"] == "2021-07-28"
    assert entry["headers"]["authorization"] == GHL_HEADERS["Authorization"]
    assert entry["json"] == {"locationId": LOCATION, "email": "log@example.com"}


def test_the_request_log_also_records_refused_calls(ghl, ghl_api):
    requests.get(pipelines_url(ghl_api), timeout=10)
    assert [entry["status"] for entry in ghl.requests()] == [401]
