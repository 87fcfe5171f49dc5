from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from config.metrics_registry import WEBHOOK_REJECTED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("still_clock")]


def rejected(endpoint: str, reason: str) -> float:
    return WEBHOOK_REJECTED.labels(endpoint=endpoint, reason=reason)._value.get()


def post_webhook(client):
    return client.post("/webhooks/twilio/sms/", data="Body=hi",
                       content_type="application/x-www-form-urlencoded")


def test_a_webhook_answers_429_with_retry_after_past_the_limit_and_recovers(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "3/m"}
    before = rejected("twilio", "rate_limited")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        statuses = [post_webhook(client).status_code for _ in range(3)]
        limited = post_webhook(client)
        clock.shift(timedelta(seconds=61))
        recovered = post_webhook(client)
    assert 429 not in statuses
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert recovered.status_code != 429
    assert rejected("twilio", "rate_limited") == before + 1


def test_the_limit_is_per_client_address(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "webhook_twilio": "1/m"}
    post_webhook(client)
    other = client.post("/webhooks/twilio/sms/", data="Body=hi", REMOTE_ADDR="10.1.2.3",
                        content_type="application/x-www-form-urlencoded")
    assert other.status_code != 429


def test_admin_login_is_throttled_per_address_across_usernames(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "admin_login": "3/5m"}
    for name in ("a", "b", "c"):
        client.post("/admin/login/", {"username": name, "password": "x"})
    assert client.post("/admin/login/", {"username": "d", "password": "x"}).status_code == 429


def test_showing_the_login_page_does_not_count(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "admin_login": "1/5m"}
    for _ in range(3):
        assert client.get("/admin/login/").status_code == 200


def test_admin_pages_have_a_per_user_budget(client, admin_user, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "admin": "2/m"}
    client.force_login(admin_user)
    assert [client.get("/admin/").status_code for _ in range(3)] == [200, 200, 429]


def test_probes_are_limited_per_address(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "probe": "2/m"}
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 429]


def test_behind_a_trusted_proxy_the_limit_is_per_forwarded_client(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.RATELIMITS = {**settings.RATELIMITS, "probe": "1/m"}
    first = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = client.get("/healthz", HTTP_X_FORWARDED_FOR="198.51.100.9")
    again = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


def test_a_client_cannot_dodge_the_limit_by_forging_forwarded_for(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.RATELIMITS = {**settings.RATELIMITS, "probe": "1/m"}
    # The proxy appends the real client; whatever the client wrote comes before it.
    client.get("/healthz", HTTP_X_FORWARDED_FOR="10.9.9.1, 203.0.113.7")
    forged = client.get("/healthz", HTTP_X_FORWARDED_FOR="10.9.9.2, 203.0.113.7")
    assert forged.status_code == 429


def test_forwarded_for_from_an_untrusted_peer_is_ignored(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.RATELIMITS = {**settings.RATELIMITS, "probe": "1/m"}
    client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client.get("/healthz", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
