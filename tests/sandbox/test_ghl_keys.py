"""The published sandbox public keys belong to the keys the sandbox signs with."""

from cryptography.hazmat.primitives import serialization

from sandbox.ghl.keys import (
    ED25519_PUBLIC_KEY_PEM,
    RSA_PUBLIC_KEY_PEM,
    ed25519_private_key,
    rsa_private_key,
)


def public_pem(private_key) -> str:
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_the_ed25519_public_key_matches_the_seeded_private_key():
    assert public_pem(ed25519_private_key()) == ED25519_PUBLIC_KEY_PEM


def test_the_rsa_public_key_matches_the_committed_private_key():
    assert public_pem(rsa_private_key()) == RSA_PUBLIC_KEY_PEM
    assert rsa_private_key().key_size == 2048
