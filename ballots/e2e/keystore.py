"""A trustee's secrets at rest, encrypted with a passphrase (docs/e2e-protocol.md §7.5).

Argon2id (RFC 9106, from `cryptography`) turns the passphrase into a key; ChaCha20-Poly1305
(RFC 8439) encrypts the secrets' canonical JSON, with the file's header as associated
data so its parameters cannot be changed unnoticed. The default cost is RFC 9106's second
recommended profile (3 passes, 4 lanes, 64 MiB); the parameters are stored in the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from ballots.canonical import canonical_json
from ballots.e2e.encoding import EncodingError, decode_hex

FORMAT = "asamblea.trustee-secret/1"
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class KdfCost:
    """Argon2id parameters: passes, lanes, memory in KiB."""

    iterations: int = 3
    lanes: int = 4
    memory_kib: int = 64 * 1024


class KeystoreError(ValueError):
    """A secrets file that cannot be opened: malformed, or the passphrase is wrong."""


def _key(passphrase: bytes, salt: bytes, cost: KdfCost) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    )
    return kdf.derive(passphrase)


def seal_secrets(
    passphrase: bytes, secrets: Mapping[str, object], cost: KdfCost = KdfCost()
) -> bytes:
    """The encrypted file (JSON text) holding `secrets` (a JSON object)."""
    if not passphrase:
        raise KeystoreError("the passphrase must not be empty")
    salt, nonce = os.urandom(16), os.urandom(12)
    header = {
        "format": FORMAT,
        "kdf": {
            "name": "argon2id",
            "salt": salt.hex(),
            "iterations": cost.iterations,
            "lanes": cost.lanes,
            "memory_kib": cost.memory_kib,
        },
        "nonce": nonce.hex(),
    }
    aad = canonical_json(header)
    box = ChaCha20Poly1305(_key(passphrase, salt, cost))
    sealed = box.encrypt(nonce, canonical_json(dict(secrets)), aad)
    return canonical_json({**header, "ciphertext": sealed.hex()})


def open_secrets(passphrase: bytes, data: bytes) -> dict[str, object]:
    """The secrets in a file made by `seal_secrets`; `KeystoreError` otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise KeystoreError("the secrets file is too large")
    try:
        document = json.loads(data)
        header = {k: document[k] for k in ("format", "kdf", "nonce")}
        kdf = document["kdf"]
        cost = KdfCost(int(kdf["iterations"]), int(kdf["lanes"]), int(kdf["memory_kib"]))
        salt = decode_hex(kdf["salt"], "kdf.salt", 16)
        nonce = decode_hex(document["nonce"], "nonce", 12)
        sealed = decode_hex(document["ciphertext"], "ciphertext")
    except (ValueError, KeyError, TypeError, EncodingError) as exc:
        raise KeystoreError(f"not a trustee secrets file ({exc})") from None
    if header["format"] != FORMAT or kdf.get("name") != "argon2id":
        raise KeystoreError(f"not a {FORMAT} file")
    try:
        key = _key(passphrase, salt, cost)
        plain = ChaCha20Poly1305(key).decrypt(nonce, sealed, canonical_json(header))
    except InvalidTag:
        raise KeystoreError("wrong passphrase (or the file was changed)") from None
    except ValueError as exc:
        raise KeystoreError(f"unusable key derivation parameters ({exc})") from None
    secrets = json.loads(plain)
    if not isinstance(secrets, dict):
        raise KeystoreError("the secrets are not a JSON object")
    return secrets
