"""Property-based tests of the two Twilio webhooks (hypothesis; profiles in tests/conftest.py):
whatever arrives, never a 500 and nothing stored unless it is a genuine text; a genuine text is
stored once however often it is delivered; and no way of writing an opt-out keyword is taken
for an ordinary reply. Signatures are twilio-python's own computation."""

from __future__ import annotations

import string
from urllib.parse import urlencode

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from messaging.keywords import KEYWORDS, Intent
from messaging.models import SmsMessage, SmsStatusCallback
from messaging.policy import is_opted_out
from tests.fuzzing import HEADER, TEXT, isolated
from tests.messaging.conftest import OUR_NUMBER, PUBLIC

pytestmark = pytest.mark.django_db
SMS, STATUS = "/webhooks/twilio/sms/", "/webhooks/twilio/status/"
OPT_OUTS = sorted(word for word, intent in KEYWORDS.items() if intent == Intent.OPT_OUT)

SIDS = st.text("0123456789abcdef", min_size=32, max_size=32).map(lambda h: "SM" + h)
# What Twilio itself may send in a value: any text but NUL.
VALUES = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                 max_size=200)
PHONES = st.integers(0, 9999).map(lambda n: f"+1407555{n:04d}")
CONTENT_TYPES = st.sampled_from([
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-16",
    "application/json", "text/plain", "multipart/form-data; boundary=x", ""]) | HEADER
# Small bodies of any bytes, and form bodies either side of the 64 KB limit.
BODIES = st.binary(max_size=2048) | st.integers(64 * 1024 - 8, 64 * 1024 + 8).map(
    lambda n: b"Body=" + b"x" * (n - 5))
# Whatever a form may name and hold, Twilio's own names among them.
NAMES = st.sampled_from(["MessageSid", "From", "To", "Body", "NumMedia", "NumSegments",
                         "MessageStatus", "ErrorCode", "OptOutType", "MediaUrl0"]) | TEXT
FORMS = st.dictionaries(NAMES, TEXT | st.sampled_from(["", "0", "1", "STOP", OUR_NUMBER]),
                        max_size=12)
# Around a keyword: whitespace (ASCII and Unicode) and punctuation (ASCII and Unicode).
PADDING = st.text(st.sampled_from(string.whitespace + string.punctuation
                                  + "\u00a0\u2002\u2003\u3000¡¿…“”‘’«»—–·•"), max_size=6)


def signature(path: str, params: dict[str, str]) -> str:
    return RequestValidator(settings.TWILIO.auth_token).compute_signature(PUBLIC + path, params)


def post(client, path: str, body: bytes | str, content_type: str, sign: str | None):
    extra = {"HTTP_X_TWILIO_SIGNATURE": sign} if sign is not None else {}
    return client.generic("POST", path, body, content_type=content_type, **extra)


def post_signed(client, path: str, params: dict[str, str]):
    return post(client, path, urlencode(params), "application/x-www-form-urlencoded",
                signature(path, params))


def nothing_stored() -> bool:
    return not SmsMessage.objects.exists() and not SmsStatusCallback.objects.exists()


@given(path=st.sampled_from([SMS, STATUS]), body=BODIES,
       content_type=CONTENT_TYPES, sign=st.none() | HEADER)
def test_no_request_is_a_500_and_an_unsigned_one_stores_nothing(client, path, body,
                                                                 content_type, sign):
    with isolated():
        response = post(client, path, body, content_type, sign)
        assert 400 <= response.status_code < 500 and nothing_stored()


@given(path=st.sampled_from([SMS, STATUS]), params=FORMS)
def test_a_signed_form_of_anything_is_answered_without_a_500(client, path, params):
    with isolated():
        response = post_signed(client, path, params)
        assert response.status_code < 500
        if response.status_code >= 400:
            assert nothing_stored()


@given(sid=SIDS, phone=PHONES, body=VALUES, extra=st.dictionaries(
    st.sampled_from(["NumMedia", "MediaUrl0", "OptOutType", "FromCity", "SmsStatus"]), VALUES,
    max_size=3))
def test_a_genuine_text_is_stored_exactly_once_however_often_it_comes(client, sid, phone,
                                                                       body, extra):
    params = {**extra, "MessageSid": sid, "AccountSid": "AC" + "5a" * 16, "From": phone,
              "To": OUR_NUMBER, "Body": body}
    with isolated():
        answers = [post_signed(client, SMS, params).status_code for _ in range(2)]
        assert answers == [200, 200]
        assert SmsMessage.objects.filter(sid=sid).count() == 1


@given(sid=SIDS, status=st.sampled_from(["queued", "sent", "delivered", "undelivered",
                                         "failed", "read"])
       | VALUES.map(lambda s: s[:20]).filter(str.strip),
       code=st.sampled_from(["", "30003", "21610"]))
def test_a_genuine_status_callback_is_stored_exactly_once(client, sid, status, code):
    params = {"MessageSid": sid, "MessageStatus": status, "ErrorCode": code}
    with isolated():
        answers = [post_signed(client, STATUS, params).status_code for _ in range(2)]
        assert answers == [204, 204]
        assert SmsStatusCallback.objects.filter(sid=sid).count() == 1


@given(keyword=st.sampled_from(OPT_OUTS), cases=st.lists(st.booleans(), min_size=11,
                                                         max_size=11),
       before=PADDING, after=PADDING, twilio_replied=st.booleans(), sid=SIDS, phone=PHONES)
def test_no_way_of_writing_an_opt_out_keyword_is_taken_for_an_ordinary_reply(
        client, keyword, cases, before, after, twilio_replied, sid, phone):
    written = before + "".join(c.lower() if low else c
                               for c, low in zip(keyword, cases, strict=False)) + after
    params = {"MessageSid": sid, "From": phone, "To": OUR_NUMBER, "Body": written,
              **({"OptOutType": "STOP"} if twilio_replied else {})}
    with isolated():
        assert post_signed(client, SMS, params).status_code == 200
        assert is_opted_out(phone), f"{written!r} did not opt {phone} out"
        assert SmsMessage.objects.get(sid=sid).intent == Intent.OPT_OUT
