import pytest

pytestmark = pytest.mark.django_db


def test_metrics_answer_loopback_in_development(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_total_by_method_total" in body
    assert 'perfectcatch_metrics_collector_up{app="workflows"} 1.0' in body


def test_metrics_refuse_other_addresses_without_a_token(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_metrics_accept_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_ALLOWED_IPS, settings.METRICS_TOKEN = [], "scrape-token-123"
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                          HTTP_AUTHORIZATION="Bearer scrape-token-123")
    assert response.status_code == 200


def test_a_wrong_token_is_refused(client, settings):
    settings.METRICS_ALLOWED_IPS, settings.METRICS_TOKEN = [], "scrape-token-123"
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                          HTTP_AUTHORIZATION="Bearer guess")
    assert response.status_code == 403
