"""Tokens, the app key, tenants and unknown paths of the ServiceTitan sandbox."""

from __future__ import annotations

CUSTOMERS = "/crm/v2/tenant/{tenant}/customers"


def test_it_issues_a_bearer_token_for_the_sandbox_credentials(st):
    response = st.request_token()

    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["access_token"] and "scope" in body


def test_an_issued_token_opens_the_api(st):
    assert st.get(CUSTOMERS).status_code == 200


def test_it_rejects_a_wrong_client_secret_as_invalid_client(st):
    response = st.request_token(client_secret="wrong")

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client"}


def test_it_rejects_an_unknown_client_id_as_invalid_client(st):
    assert st.request_token(client_id="someone-else").json() == {"error": "invalid_client"}


def test_it_rejects_a_grant_type_other_than_client_credentials(st):
    response = st.request_token(grant_type="password")

    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type"}


def test_a_token_form_that_is_not_utf8_is_an_invalid_request(st):
    response = st.session.post(f"{st.url}/servicetitan/connect/token", data=b"\xff\xfe")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_token_with_a_ttl_of_zero_is_expired_at_once(st):
    st.vendor.set_options(token_ttl=0)
    token = st.request_token().json()["access_token"]

    response = st.get(CUSTOMERS, token=token)

    assert response.status_code == 401
    assert "expired" in response.json()["errors"]["Authorization"][0]


def test_a_token_stops_working_when_the_clock_passes_its_expiry(st):
    token = st.token()
    st.vendor.advance_clock(890)
    assert st.get(CUSTOMERS, token=token).status_code == 200

    st.vendor.advance_clock(10)

    assert st.get(CUSTOMERS, token=token).status_code == 401


def test_a_request_without_a_bearer_token_is_unauthorized(st):
    response = st.session.get(st.endpoint(CUSTOMERS), headers={"ST-App-Key": "x"})

    assert response.status_code == 401
    assert response.json()["errors"] == {"Authorization": ["A bearer token is required."]}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_request_without_the_app_key_is_unauthorized(st):
    response = st.get(CUSTOMERS, app_key=None)

    assert response.status_code == 401
    assert "ST-App-Key" in response.json()["errors"]


def test_a_request_with_a_wrong_app_key_is_unauthorized(st):
    assert st.get(CUSTOMERS, app_key="another-app").status_code == 401


def test_every_token_is_invalid_after_expire_tokens(st):
    token = st.token()
    st.vendor.expire_tokens()

    assert st.get(CUSTOMERS, token=token).status_code == 401


def test_expire_tokens_works_over_the_control_api(st):
    token = st.token()

    assert st.control("POST", "expire-tokens").status_code == 200
    assert st.get(CUSTOMERS, token=token).status_code == 401


def test_a_new_token_works_after_expire_tokens(st):
    st.vendor.expire_tokens()
    token = st.request_token().json()["access_token"]

    assert st.get(CUSTOMERS, token=token).status_code == 200


def test_the_unauthorized_body_is_an_rfc_7807_problem(st, st_schemas):
    from jsonschema import Draft202012Validator

    body = st.get(CUSTOMERS, token="not-a-token").json()

    Draft202012Validator(st_schemas["error"]).validate(body)
    assert body["status"] == 401


def test_appointments_under_dispatch_do_not_exist(st):
    response = st.get("/dispatch/v2/tenant/{tenant}/appointments")

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_appointments_live_in_the_jpm_module(st):
    assert st.get("/jpm/v2/tenant/{tenant}/appointments").status_code == 200


def test_an_unknown_path_is_not_found(st):
    assert st.get("/crm/v2/tenant/{tenant}/unicorns").status_code == 404


def test_another_tenant_is_not_found(st):
    response = st.get(CUSTOMERS, tenant=999)

    assert response.status_code == 404
    assert "tenant" in response.json()["errors"]


def test_a_tenant_that_is_not_a_number_is_not_found(st):
    assert st.get(CUSTOMERS, tenant="acme").status_code == 404


def test_api_endpoints_answer_only_get(st):
    response = st.session.post(st.endpoint(CUSTOMERS), headers={
        "Authorization": f"Bearer {st.token()}", "ST-App-Key": "sandbox-st-app-key"})

    assert response.status_code == 405


def test_the_token_endpoint_answers_only_post(st):
    response = st.session.get(f"{st.url}/servicetitan/connect/token")

    assert response.status_code == 405
