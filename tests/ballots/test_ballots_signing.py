"""Ed25519 keys, PEM and fingerprints (RFC 8032, RFC 8410)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ballots.signing import (
    SigningKeyError,
    fingerprint,
    generate_private_key,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
    raw_public_key,
    sign,
    verify_signature,
)

# RFC 8032 §7.1, TEST 1: secret key, public key, empty message, signature
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIG = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def _rfc_key():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)


def test_rfc8032_test_vector() -> None:
    key = _rfc_key()
    assert raw_public_key(key.public_key()) == RFC8032_PUBLIC
    assert sign(key, b"") == RFC8032_SIG
    assert verify_signature(key.public_key(), RFC8032_SIG, b"")
    assert not verify_signature(key.public_key(), RFC8032_SIG, b"x")


def test_sign_and_verify() -> None:
    key = generate_private_key()
    sig = sign(key, b"result")
    assert len(sig) == 64
    assert verify_signature(key.public_key(), sig, b"result")
    assert not verify_signature(key.public_key(), sig, b"result!")
    assert not verify_signature(generate_private_key().public_key(), sig, b"result")
    assert not verify_signature(key.public_key(), sig[:63], b"result")
    assert not verify_signature(key.public_key(), sig + b"\x00", b"result")


def test_private_key_pem_round_trip_plain_and_encrypted() -> None:
    key = generate_private_key()
    plain = private_key_pem(key, None)
    assert plain.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert raw_public_key(load_private_key(plain, None).public_key()) == raw_public_key(
        key.public_key()
    )
    encrypted = private_key_pem(key, b"correct horse")
    assert encrypted.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    loaded = load_private_key(encrypted, b"correct horse")
    assert raw_public_key(loaded.public_key()) == raw_public_key(key.public_key())


@pytest.mark.parametrize(
    ("make_pem", "passphrase"),
    [
        (lambda k: private_key_pem(k, b"secret"), b"wrong"),
        (lambda k: private_key_pem(k, b"secret"), None),
        (lambda k: private_key_pem(k, None), b"unexpected"),
        (lambda k: b"-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", None),
        (lambda k: b"", None),
        (lambda k: public_key_pem(k.public_key()), None),
    ],
)
def test_bad_private_keys_raise_signing_key_error(make_pem, passphrase) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SigningKeyError):
        load_private_key(make_pem(generate_private_key()), passphrase)


def test_empty_passphrase_is_refused() -> None:
    with pytest.raises(SigningKeyError):
        private_key_pem(generate_private_key(), b"")


def test_non_ed25519_keys_are_refused() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(SigningKeyError, match="not Ed25519"):
        load_private_key(pem, None)
    pub = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(SigningKeyError, match="not Ed25519"):
        load_public_key(pub)
    with pytest.raises(SigningKeyError):
        load_public_key(b"garbage")


def test_public_key_pem_and_fingerprint() -> None:
    key = _rfc_key()
    pem = public_key_pem(key.public_key())
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    # SubjectPublicKeyInfo DER for Ed25519 = fixed 12-byte prefix (RFC 8410 §4) + raw key
    der = bytes.fromhex("302a300506032b6570032100") + RFC8032_PUBLIC
    assert fingerprint(load_public_key(pem)) == hashlib.sha256(der).hexdigest()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not on PATH")
def test_fingerprint_matches_openssl(tmp_path: Path) -> None:
    key = generate_private_key()
    pem_path = tmp_path / "signing-key.pem"
    pem_path.write_bytes(public_key_pem(key.public_key()))
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(pem_path), "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    assert hashlib.sha256(der).hexdigest() == fingerprint(key.public_key())
