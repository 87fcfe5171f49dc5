"""System checks of a real GHL configuration."""

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ghl.checks import ghl_configuration, ghl_webhook_settings


def real(settings, **changes):
    settings.GHL = replace(settings.GHL, configured=True, **changes)


def test_the_sandbox_needs_nothing(settings):
    assert ghl_configuration(None) == []


def test_a_readable_key_and_a_pipeline_pass(settings):
    pem = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    real(settings, webhook_public_key=pem, pipeline_id="p1")
    assert ghl_configuration(None) == []


def test_an_unreadable_key_is_an_error(settings):
    real(settings, webhook_public_key="-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----",
         pipeline_id="p1")
    assert [m.id for m in ghl_configuration(None)] == ["ghl.E001"]


def test_a_missing_key_and_pipeline_are_warned_about(settings):
    real(settings, webhook_public_key=None, pipeline_id="")
    assert [m.id for m in ghl_configuration(None)] == ["ghl.W001", "ghl.W002"]


def test_the_default_webhook_settings_pass():
    assert ghl_webhook_settings(None) == []


@pytest.mark.parametrize(("name", "value"), [("GHL_WEBHOOK_MAX_ATTEMPTS", 0),
                                             ("GHL_WEBHOOK_REFUSED_SAMPLE", 0),
                                             ("GHL_WEBHOOK_REFUSED_SAMPLE", 40_000)])
def test_a_webhook_setting_out_of_range_is_an_error(settings, name, value):
    setattr(settings, name, value)
    assert [m.id for m in ghl_webhook_settings(None)] == ["ghl.E002"]
