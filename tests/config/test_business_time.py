"""Staff read times in the business time zone; the rest of the service keeps UTC."""

from django.utils import timezone

from config.middleware import BusinessTimeZoneMiddleware


def zone_seen(rf, path):
    seen = []
    BusinessTimeZoneMiddleware(lambda request: seen.append(
        timezone.get_current_timezone_name()))(rf.get(path))
    return seen[0]


def test_admin_pages_run_in_the_business_time_zone(rf, settings):
    settings.BUSINESS_TIME_ZONE = "America/Chicago"
    assert zone_seen(rf, "/admin/workflows/workflowinstance/") == "America/Chicago"
    assert timezone.get_current_timezone_name() == "UTC"   # and only during the request


def test_webhooks_and_probes_keep_utc(rf, settings):
    settings.BUSINESS_TIME_ZONE = "America/Chicago"
    assert zone_seen(rf, "/webhooks/twilio/sms/") == "UTC"
    assert zone_seen(rf, "/metrics") == "UTC"
