"""Ed25519 keys and signatures (RFC 8032) through `cryptography`; PEM per RFC 8410.

The assembly signs each result with its Ed25519 key; tellers and auditors may co-sign.
Public keys travel as SubjectPublicKeyInfo PEM (what `openssl pkey -pubout` writes), and a
key's fingerprint is the SHA-256 of that DER structure, so an auditor can recompute it
with `openssl pkey -pubin -outform DER | sha256sum`.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNATURE_SIZE = 64


class SigningKeyError(ValueError):
    """A key that cannot be loaded: bad PEM, wrong or missing passphrase, not Ed25519."""


def generate_private_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 private key (RFC 8032 §5.1.5) from the OS random generator."""
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey, passphrase: bytes | None) -> bytes:
    """PKCS#8 PEM of `key` (RFC 8410 §7), encrypted with the best available scheme when a
    passphrase is given (an empty passphrase is refused: it would only look protected)."""
    if passphrase is None:
        encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
    elif not passphrase:
        raise SigningKeyError("passphrase must not be empty; pass None for an unencrypted key")
    else:
        encryption = serialization.BestAvailableEncryption(passphrase)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=encryption,
    )


def load_private_key(pem: bytes, passphrase: bytes | None) -> Ed25519PrivateKey:
    """Load a PKCS#8 PEM Ed25519 private key; `SigningKeyError` on any failure."""
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except TypeError as exc:
        # cryptography raises TypeError for "encrypted but no passphrase" and the reverse.
        raise SigningKeyError(f"cannot load private key: {exc}") from None
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SigningKeyError(
            f"cannot load private key (bad PEM or wrong passphrase): {exc}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"private key is {type(key).__name__}, not Ed25519")
    return key


def public_key_pem(pub: Ed25519PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM of `pub` (RFC 8410 §4), as in `signing-key.pem`."""
    return pub.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """Load a SubjectPublicKeyInfo PEM Ed25519 public key; `SigningKeyError` on failure."""
    try:
        pub = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm, TypeError) as exc:
        raise SigningKeyError(f"cannot load public key: {exc}") from None
    if not isinstance(pub, Ed25519PublicKey):
        raise SigningKeyError(f"public key is {type(pub).__name__}, not Ed25519")
    return pub


def raw_public_key(pub: Ed25519PublicKey) -> bytes:
    """The 32-byte raw Ed25519 public key (RFC 8032 §5.1.5), as used in note key IDs."""
    return pub.public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )


def fingerprint(pub: Ed25519PublicKey) -> str:
    """Hex SHA-256 of the DER SubjectPublicKeyInfo of `pub` (API.md §3 check 2)."""
    der = pub.public_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    return hashlib.sha256(der).hexdigest()


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """Raw 64-byte Ed25519 signature of `data` (RFC 8032 §5.1.6, pure Ed25519, no prehash)."""
    return key.sign(data)


def verify_signature(pub: Ed25519PublicKey, sig: bytes, data: bytes) -> bool:
    """True when `sig` is a valid RFC 8032 Ed25519 signature of `data` by `pub`."""
    if len(sig) != SIGNATURE_SIZE:
        return False
    try:
        pub.verify(sig, data)
    except InvalidSignature:
        return False
    return True
