"""The per-app rate limit of the ServiceTitan sandbox, and the combined server's shared
faults reaching a ServiceTitan client."""

from __future__ import annotations

from sandbox.servicetitan.auth import Seconds

CUSTOMERS = "/crm/v2/tenant/{tenant}/customers"


def test_requests_over_the_rate_limit_get_429_with_retry_after(st):
    st.token()
    st.vendor.set_options(rate_limit=3, rate_window=3600)
    statuses = [st.get(CUSTOMERS).status_code for _ in range(4)]

    response = st.get(CUSTOMERS)

    assert statuses == [200, 200, 200, 429]
    assert response.status_code == 429
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600
    assert response.json()["status"] == 429


def test_the_rate_limit_frees_up_when_the_window_passes(st):
    st.token()
    st.vendor.set_options(rate_limit=2, rate_window=60, token_ttl=3600)
    for _ in range(3):
        st.get(CUSTOMERS)

    st.vendor.advance_clock(60)

    assert st.get(CUSTOMERS).status_code == 200


def test_the_default_rate_limit_is_sixty_requests_a_second(st):
    assert (st.vendor.options.rate_limit, st.vendor.options.rate_window) == (60, 1.0)


def test_the_rate_limit_can_be_switched_off(st):
    st.token()
    st.vendor.set_options(rate_limit=1, rate_window=3600)
    st.vendor.set_options(rate_limit=None)

    assert {st.get(CUSTOMERS).status_code for _ in range(5)} == {200}


def test_the_token_endpoint_is_not_rate_limited(st):
    st.vendor.set_options(rate_limit=1, rate_window=3600)

    assert {st.request_token().status_code for _ in range(3)} == {200}


def test_an_injected_429_carries_retry_after_through_the_combined_server(st, st_server):
    st_server.app.faults.add(vendor="servicetitan", path_contains="/export/customers",
                             status=429, retry_after=7, times=1)

    first = st.get("/crm/v2/tenant/{tenant}/export/customers")
    second = st.get("/crm/v2/tenant/{tenant}/export/customers")

    assert (first.status_code, first.headers["Retry-After"]) == (429, "7")
    assert second.status_code == 200


def test_an_injected_500_reaches_the_client_then_clears(st, st_server):
    st.session.post(f"{st.url}/_control/faults",
                    json={"vendor": "servicetitan", "path_contains": "/jobs", "status": 500,
                          "times": 2})

    statuses = [st.get("/jpm/v2/tenant/{tenant}/jobs").status_code for _ in range(3)]

    assert statuses == [500, 500, 200]


def test_injected_faults_do_not_reach_the_control_api(st, st_server):
    st_server.app.faults.add(vendor="servicetitan", status=500, times=None)

    assert st.control("GET", "counts").status_code == 200


def test_the_busiest_second_is_the_one_with_the_most_requests():
    seconds = Seconds()
    for at in (100.1, 100.9, 101.0, 102.2, 102.3, 102.99):
        seconds.arrived(at)
    assert seconds.busiest == (3, 102)


def test_the_busiest_second_counts_refused_requests_too(st):
    st.token()
    st.vendor.clear_stats()
    st.vendor.set_options(rate_limit=3, rate_window=3600)
    for _ in range(5):
        st.get(CUSTOMERS)

    stats = st.control("GET", "stats").json()

    assert stats["rate_limited"] == 2
    # five requests in at most two seconds of the clock: one of them had three or more
    assert 3 <= stats["busiest_second"]["requests"] <= 5
    assert stats["busiest_second"]["at"].endswith("+00:00")


def test_clearing_the_statistics_forgets_the_busiest_second(st):
    st.token()
    st.get(CUSTOMERS)
    st.control("DELETE", "stats")
    assert st.control("GET", "stats").json()["busiest_second"] == {"requests": 0, "at": None}
