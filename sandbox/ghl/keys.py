"""The sandbox's own GHL webhook signing keys (test keys: GHL's private keys are not ours).

GHL signs each webhook body with Ed25519 (``x-ghl-signature``, current) and RSA-SHA256
(``x-wh-signature``, legacy), base64-encoded. The sandbox does the same with:

- an Ed25519 key derived from a fixed 32-byte seed (the SHA-256 of ``ED25519_SEED_TEXT``), and
- an RSA 2048 key generated once and committed in ``keys/rsa-private.pem`` (a test key, see
  ``keys/README.md``).

Their PUBLIC keys are the PEM constants below: when GHL runs on the sandbox, our webhook
verifier is configured with them instead of GHL's published keys.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

ED25519_SEED_TEXT = b"perfectcatch sandbox: GHL webhook Ed25519 test key"

ED25519_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAHur64nGiq4EUc/RkOFaOqvDthfy009akkzXbLpDhsrI=
-----END PUBLIC KEY-----
"""

RSA_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArxw82Rxw417b3OAA/STf
/3/JnkNbX8tqFPtaG5PSDahV+rBTKdtOEytix1Hlapp3CWseiBS87IiLs1zKQegz
wH+Vc7yuoWwXfxuJz3tsJWqsl6aeap3FXscBH2nKnlnftYWXFM15292xb+9FpqyW
7HcKfaHPRrD7nScKzTP8Nz8OQYVolvYv9KuYL427uxTrPCekybEEb5fhTE7ByR6B
DMEcwxhAKrMxMcc4Z8qm+KTe93zdNc1X3wnUSq2auv20dCxrbTacBIRtB21o8Em+
8Sx8ynqHURITCBZNvR7JVSvlJyqH4KMo0ZqRB5uQrEqADhS0cDr99oyrvo/2cQGZ
PQIDAQAB
-----END PUBLIC KEY-----
"""

_RSA_PRIVATE_PEM = Path(__file__).with_name("keys") / "rsa-private.pem"


@cache
def ed25519_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(ED25519_SEED_TEXT).digest())


@cache
def rsa_private_key() -> RSAPrivateKey:
    key = serialization.load_pem_private_key(_RSA_PRIVATE_PEM.read_bytes(), password=None)
    assert isinstance(key, RSAPrivateKey)
    return key
