from messaging.checks import twilio_webhooks


def test_twilio_webhooks_are_ready_behind_an_https_origin(settings):
    settings.PRODUCTION, settings.PUBLIC_BASE_URL = True, "https://pc.example.com"
    assert twilio_webhooks().ok


def test_a_plain_http_public_origin_fails_readiness_in_production(settings):
    settings.PRODUCTION, settings.PUBLIC_BASE_URL = True, "http://pc.example.com"
    result = twilio_webhooks()
    assert not result.ok and "not https" in result.detail


def test_plain_http_is_fine_in_development(settings):
    settings.PRODUCTION, settings.PUBLIC_BASE_URL = False, "http://127.0.0.1:8000"
    assert twilio_webhooks().ok
