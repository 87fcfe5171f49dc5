"""Webhook signatures: Ed25519 (x-ghl-signature) and legacy RSA (x-wh-signature)."""

import base64
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ghl.signatures import SignatureError, load_ed25519, verify
from sandbox.ghl.webhooks import signature_headers

BODY = b'{"type":"ContactCreate","id":"c1"}'


def test_an_ed25519_signature_from_the_sandbox_verifies():
    assert verify(BODY, signature_headers(BODY, "ed25519")) == "ed25519"


def test_a_legacy_rsa_signature_from_the_sandbox_verifies():
    assert verify(BODY, signature_headers(BODY, "rsa")) == "rsa"


def test_the_current_signature_is_checked_when_both_come():
    assert verify(BODY, signature_headers(BODY, "both")) == "ed25519"


def test_a_bad_current_signature_cannot_fall_back_to_a_good_legacy_one():
    headers = {**signature_headers(BODY, "rsa"),
               "x-ghl-signature": signature_headers(BODY, "bad")["x-ghl-signature"]}
    with pytest.raises(SignatureError) as caught:
        verify(BODY, headers)
    assert caught.value.verdict == "bad_signature"


@pytest.mark.parametrize("mode", ["bad", "rsa-bad"])
def test_signatures_of_other_bytes_are_refused(mode):
    headers = signature_headers(BODY, "bad")
    if mode == "rsa-bad":
        headers.pop("x-ghl-signature")
    with pytest.raises(SignatureError, match="does not match"):
        verify(BODY, headers)


def test_a_signature_that_is_not_base64_is_refused():
    with pytest.raises(SignatureError):
        verify(BODY, {"x-ghl-signature": "not base64!"})


def test_an_unsigned_request_is_refused_as_unsigned():
    with pytest.raises(SignatureError) as caught:
        verify(BODY, {})
    assert caught.value.verdict == "unsigned"


@pytest.fixture
def production_ghl(settings):
    """GHL configured for real, with an Ed25519 key of our own standing in for GHL's."""
    private = Ed25519PrivateKey.generate()
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    settings.GHL = replace(settings.GHL, configured=True, webhook_public_key=pem.decode())
    return private


def test_configured_ghl_verifies_with_the_configured_ed25519_key(production_ghl):
    signature = base64.b64encode(production_ghl.sign(BODY)).decode()
    assert verify(BODY, {"x-ghl-signature": signature}) == "ed25519"


def test_configured_ghl_refuses_the_sandbox_keys(production_ghl):
    with pytest.raises(SignatureError):
        verify(BODY, signature_headers(BODY, "ed25519"))
    with pytest.raises(SignatureError):  # RSA: GHL's published key, not the sandbox's
        verify(BODY, signature_headers(BODY, "rsa"))


def test_configured_ghl_without_an_ed25519_key_says_so(settings):
    settings.GHL = replace(settings.GHL, configured=True, webhook_public_key=None)
    with pytest.raises(SignatureError, match="GHL_WEBHOOK_PUBLIC_KEY is not set"):
        verify(BODY, signature_headers(BODY, "ed25519"))


def test_the_public_key_may_be_given_as_base64_of_its_raw_bytes():
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    key = load_ed25519(base64.b64encode(raw).decode())
    key.verify(private.sign(BODY), BODY)


def test_an_unreadable_public_key_is_a_clear_error():
    with pytest.raises(ValueError, match="neither PEM nor base64"):
        load_ed25519("not a key at all!")
