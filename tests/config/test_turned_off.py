"""A vendor turned off (``*_ENABLED=false``) is called by nothing: its client raises its usual
error saying so before any request, its webhooks answer 404 and store nothing, its schedules
are not declared and its readiness checks pass saying it is off."""

import io
import json
import os
import subprocess
import sys
from urllib.parse import urlencode

import pytest
import responses
from django.conf import settings as django_settings
from django.core import checks

from config.health import run_checks
from config.schedules import declared_schedules
from config.vendors import GHLSettings, ServiceTitanSettings, TwilioSettings
from ghl.client import GHLClient, GHLError
from ghl.demo import run_demo as ghl_demo
from ghl.models import WebhookDelivery
from messaging.demo import run_demo as messaging_demo
from messaging.models import SmsMessage, SmsStatus
from messaging.services.send import send_sms
from sandbox.credentials import SANDBOX_TWILIO_AUTH_TOKEN
from sandbox.twilio.signing import twilio_signature
from servicetitan.client import ServiceTitanClient
from servicetitan.demo import run_demo as servicetitan_demo
from servicetitan.responses import ServiceTitanError
from tests.ghl.conftest import post_webhook, webhook_body

INBOUND = {"MessageSid": "SM" + "7" * 32, "AccountSid": "AC" + "1" * 32,
           "From": "+14155550123", "To": "+15005550006", "Body": "STOP", "NumMedia": "0"}


@pytest.fixture
def off(settings):
    settings.SERVICETITAN = ServiceTitanSettings.off()
    settings.GHL = GHLSettings.off()
    settings.TWILIO = TwilioSettings.off()
    return settings


@pytest.fixture
def no_http():
    """Any request through ``requests`` fails loudly (and is counted)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def post_inbound(client, token: str):
    url = django_settings.PUBLIC_BASE_URL + "/webhooks/twilio/sms/"
    return client.post("/webhooks/twilio/sms/", data=urlencode(INBOUND),
                       content_type="application/x-www-form-urlencoded",
                       HTTP_X_TWILIO_SIGNATURE=twilio_signature(token, url, INBOUND))


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", SANDBOX_TWILIO_AUTH_TOKEN])
def test_with_twilio_turned_off_a_signed_stop_is_answered_404_and_changes_nothing(
        client, off, token):
    response = post_inbound(client, token)
    assert response.status_code == 404
    assert response.content.decode() == "Twilio is turned off (TWILIO_ENABLED=false)\n"
    assert not SmsMessage.objects.exists()


@pytest.mark.django_db
def test_with_twilio_turned_off_status_callbacks_are_answered_404(client, off):
    response = client.post("/webhooks/twilio/status/", data="MessageSid=SM1",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 404 and b"TWILIO_ENABLED=false" in response.content


@pytest.mark.django_db
def test_with_ghl_turned_off_a_signed_webhook_is_answered_404_and_not_stored(client, off):
    body = webhook_body("ContactDndUpdate", {"id": "c1", "phone": "+14155550123", "dnd": True})
    response = post_webhook(client, body)
    assert response.status_code == 404
    assert response.content.decode() == "GoHighLevel is turned off (GHL_ENABLED=false)\n"
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_with_twilio_turned_off_a_text_fails_saying_so_without_calling_twilio(off, no_http):
    message = send_sms(to="+14155550123", body="Your estimate is ready",
                       purpose="transactional")
    assert message.status == SmsStatus.FAILED
    assert message.error_message == "Twilio is turned off (TWILIO_ENABLED=false)"
    assert len(no_http.calls) == 0


def test_with_ghl_turned_off_the_client_raises_without_calling_ghl(off, no_http):
    with pytest.raises(GHLError) as error:
        GHLClient().get("/users/", locationId="x")
    assert "GoHighLevel is turned off (GHL_ENABLED=false)" in str(error.value)
    assert error.value.retryable is False and len(no_http.calls) == 0


def test_with_servicetitan_turned_off_the_client_raises_without_calling_it(off, no_http):
    with pytest.raises(ServiceTitanError) as error:
        ServiceTitanClient().get("/crm/v2/tenant/1/customers")
    assert str(error.value).endswith("ServiceTitan is turned off (SERVICETITAN_ENABLED=false)")
    assert error.value.retryable is False and len(no_http.calls) == 0


@pytest.mark.django_db
def test_with_the_vendors_turned_off_their_readiness_checks_pass_saying_so(off):
    details = {r.name: r for r in run_checks()}
    assert details["servicetitan_sync"].ok and "turned off" in details["servicetitan_sync"].detail
    assert details["ghl_sync"].ok and "turned off" in details["ghl_sync"].detail
    assert details["twilio_webhooks"].ok and "turned off" in details["twilio_webhooks"].detail


def test_with_the_vendors_turned_off_their_schedules_are_not_declared(off):
    names = {spec.name for spec in declared_schedules()}
    assert not names & {"servicetitan-sync", "ghl-sync", "ghl-dnd-reconcile"}
    assert {"heartbeat", "workflows-tick", "messaging-send-due"} <= names


def test_with_the_vendors_on_their_schedules_are_declared():
    names = {spec.name for spec in declared_schedules()}
    assert {"servicetitan-sync", "ghl-sync", "ghl-dnd-reconcile"} <= names


def test_start_up_says_which_vendors_are_turned_off(off):
    found = [m for m in checks.run_checks() if m.id == "perfectcatch.I002"]
    assert sorted(m.msg.split(" is turned off")[0] for m in found) == [
        "GoHighLevel", "ServiceTitan", "Twilio"]
    assert all(m.level == checks.INFO for m in found)


@pytest.mark.django_db
@pytest.mark.parametrize("demo,reason", [
    (servicetitan_demo, "ServiceTitan is turned off (SERVICETITAN_ENABLED=false)"),
    (ghl_demo, "GoHighLevel is turned off (GHL_ENABLED=false)"),
    (messaging_demo, "Twilio is turned off (TWILIO_ENABLED=false)"),
])
def test_make_runs_demos_skip_a_vendor_turned_off_saying_so(off, no_http, demo, reason):
    out = io.StringIO()
    demo(out)
    assert f"skipped: {reason}" in out.getvalue() and len(no_http.calls) == 0


HOOK_PROBE = """
import json, django
django.setup()
from django.conf import settings
from ghl.services import dnd
from messaging.hooks import _CALLBACKS
print(json.dumps({"configured": settings.GHL.configured, "enabled": settings.GHL.enabled,
                  "mirrored": dnd.on_preference_change in _CALLBACKS}))
"""


def test_with_ghl_turned_off_opt_outs_queue_nothing_for_ghl(tmp_path):
    env = {**os.environ, "GHL_ENABLED": "false", "DJANGO_SETTINGS_MODULE": "config.settings",
           "PERFECTCATCH_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", HOOK_PROBE], env=env, capture_output=True,
                            text=True, cwd=django_settings.BASE_DIR, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "configured": False, "enabled": False, "mirrored": False}
