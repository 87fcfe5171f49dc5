"""Checking that a webhook really comes from GHL: signatures over the exact raw body.

- ``x-ghl-signature``: Ed25519, base64 (current). Public key: ``GHL_WEBHOOK_PUBLIC_KEY``.
- ``x-wh-signature``: RSA-SHA256, PKCS#1 v1.5, base64 (legacy). Public key: GHL's published
  one (``ghl/keys/ghl-webhook-rsa-public.pem``).

When GHL runs on the sandbox, both are the sandbox's own test keys (``sandbox.ghl.keys``).
When the Ed25519 header is present it must verify: a request cannot fall back to the legacy
signature by sending a bad current one alongside it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from django.conf import settings

RSA_KEY_FILE = Path(__file__).with_name("keys") / "ghl-webhook-rsa-public.pem"


class SignatureError(Exception):
    """The request is not signed by GHL; ``verdict`` is ``unsigned`` or ``bad_signature``."""

    def __init__(self, verdict: str, reason: str):
        super().__init__(reason)
        self.verdict, self.reason = verdict, reason


@dataclass(frozen=True)
class Keys:
    ed25519: Ed25519PublicKey | None
    rsa: RSAPublicKey


def load_ed25519(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM, or base64 of its DER (SPKI) or of its 32 raw bytes.
    ``ValueError`` says why not."""
    text = text.strip()
    if "BEGIN" in text:
        key = serialization.load_pem_public_key(text.encode())
    else:
        try:
            raw = base64.b64decode("".join(text.split()), validate=True)
        except binascii.Error:
            raise ValueError("GHL_WEBHOOK_PUBLIC_KEY is neither PEM nor base64") from None
        key = (Ed25519PublicKey.from_public_bytes(raw) if len(raw) == 32
               else serialization.load_der_public_key(raw))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("GHL_WEBHOOK_PUBLIC_KEY is not an Ed25519 public key")
    return key


@cache
def _keys(using_sandbox: bool, ed25519_text: str | None) -> Keys:
    if using_sandbox:
        from sandbox.ghl.keys import ED25519_PUBLIC_KEY_PEM, RSA_PUBLIC_KEY_PEM

        ed25519_text, rsa_pem = ED25519_PUBLIC_KEY_PEM, RSA_PUBLIC_KEY_PEM.encode()
    else:
        rsa_pem = RSA_KEY_FILE.read_bytes()
    rsa = serialization.load_pem_public_key(rsa_pem)
    assert isinstance(rsa, RSAPublicKey)
    return Keys(load_ed25519(ed25519_text) if ed25519_text else None, rsa)


def current_keys() -> Keys:
    """The keys for the configured GHL (``ValueError`` for an unreadable configured key)."""
    return _keys(settings.GHL.using_sandbox, settings.GHL.webhook_public_key)


def verify(body: bytes, headers: dict[str, str]) -> str:
    """Returns which signature verified (``ed25519`` or ``rsa``); raises ``SignatureError``.
    ``headers`` are the request's, names lower-cased."""
    current, legacy = headers.get("x-ghl-signature"), headers.get("x-wh-signature")
    if not current and not legacy:
        raise SignatureError("unsigned", "no x-ghl-signature or x-wh-signature header")
    keys = current_keys()
    if current:
        if keys.ed25519 is None:
            raise SignatureError("bad_signature", "x-ghl-signature cannot be checked: "
                                                  "GHL_WEBHOOK_PUBLIC_KEY is not set")
        _check(lambda sig: keys.ed25519.verify(sig, body), current, "x-ghl-signature")
        return "ed25519"
    _check(lambda sig: keys.rsa.verify(sig, body, padding.PKCS1v15(), hashes.SHA256()),
           legacy, "x-wh-signature")
    return "rsa"


def _check(verify_with, signature: str, header: str) -> None:
    try:
        verify_with(base64.b64decode(signature, validate=True))
    except (InvalidSignature, binascii.Error, ValueError):
        raise SignatureError("bad_signature", f"{header} does not match the body") from None
