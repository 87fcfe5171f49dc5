"""Everything the service logs while texting, receiving a text and showing a conversation,
formatted as production writes it, holds no phone number, message body or credential."""

import json
import logging
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings

from config.logs import JsonFormatter, MaskingFilter
from messaging.services.send import send_sms
from sandbox.twilio.signing import twilio_signature

pytestmark = pytest.mark.django_db

CUSTOMER = "+14155550123"
BODY = "Sure, Tuesday at 9 works for the furnace visit"
# Not inside a hex id (request ids, SIDs), which ends in ten decimal digits about once in 100.
PHONE_LIKE = re.compile(r"(?<![0-9a-fA-F])(\+?1?\d{10}\b|\d{3}[-.) ]\d{3}[-. ]\d{4})")


@pytest.fixture
def production_lines():
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Capture(level=logging.DEBUG)
    handler.addFilter(MaskingFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level, root.level = root.level, logging.DEBUG
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)
    root.level = old_level


def test_texting_and_its_pages_log_no_phone_body_or_token(client, admin_user, sandbox,
                                                         settings, production_lines):
    settings.MESSAGING = {"sends_per_second": 1000.0}
    send_sms(to=CUSTOMER, body="Your estimate is ready", purpose="transactional")
    params = {"MessageSid": "SM" + "7" * 32, "AccountSid": settings.TWILIO.account_sid,
              "From": CUSTOMER, "To": settings.TWILIO.from_number, "Body": BODY,
              "NumMedia": "0"}
    signature = twilio_signature(settings.TWILIO.auth_token,
                                 settings.PUBLIC_BASE_URL + "/webhooks/twilio/sms/", params)
    assert client.post("/webhooks/twilio/sms/", data=urlencode(params),
                       content_type="application/x-www-form-urlencoded",
                       HTTP_X_TWILIO_SIGNATURE=signature).status_code == 200
    client.force_login(admin_user)
    client.get(f"/admin/messaging/smsmessage/conversations/{CUSTOMER}/")

    text = "\n".join(production_lines)
    assert [json.loads(line) for line in production_lines]  # every line is JSON
    assert "perfectcatch.request" in text and "messaging" in text
    assert not PHONE_LIKE.search(text), PHONE_LIKE.search(text).group(0)
    assert BODY not in text
    assert django_settings.TWILIO.auth_token not in text
