"""The assembly's Ed25519 signing key, kept in ASAMBLEA_DATA_DIR.

The private key file is readable by its owner only, and encrypted when
ASAMBLEA_KEY_PASSPHRASE is set. Generating refuses to overwrite: replacing a key would make
every published fingerprint wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballots import signing
from governance import errors
from governance.assemblies import sheets
from governance.settings import Settings

PRIVATE_FILE = "signing-key.pem"
PUBLIC_FILE = "signing-key.pub.pem"
PASSPHRASE_VARIABLE = "ASAMBLEA_KEY_PASSPHRASE"  # noqa: S105 - the variable's name


@dataclass(frozen=True)
class PublicKey:
    pem: bytes
    fingerprint: str


def _passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_VARIABLE)
    return value.encode() if value else None


def private_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / PRIVATE_FILE


def generate(settings: Settings) -> PublicKey:
    path = private_path(settings)
    if path.exists():
        raise errors.Conflict(
            "A signing key exists already at %(path)s; it is never overwritten.", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = signing.generate_private_key()
    # O_EXCL: two processes generating at once cannot both win; 0600: owner only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(signing.private_key_pem(key, _passphrase()))
    public = signing.public_key_pem(key.public_key())
    (path.parent / PUBLIC_FILE).write_bytes(public)
    _load.cache_clear()
    return PublicKey(public, signing.fingerprint(key.public_key()))


@cache
def _load(path: Path, passphrase: bytes | None) -> Ed25519PrivateKey:
    return signing.load_private_key(path.read_bytes(), passphrase)


def private_key(settings: Settings) -> Ed25519PrivateKey:
    path = private_path(settings)
    if not path.exists():
        raise errors.Conflict(
            "There is no signing key yet. Run: asamblea keys generate", code="no_signing_key")
    try:
        return _load(path, _passphrase())
    except signing.SigningKeyError:
        raise errors.Conflict(
            "The signing key cannot be read: check ASAMBLEA_KEY_PASSPHRASE.",
            code="bad_signing_key") from None


def public_key(settings: Settings) -> PublicKey | None:
    """The public key and its fingerprint, or None while no key exists."""
    if not private_path(settings).exists():
        return None
    key = private_key(settings).public_key()
    return PublicKey(signing.public_key_pem(key), signing.fingerprint(key))


def _sheet_fingerprint(settings: Settings, _assembly_id: int) -> str | None:
    public = public_key(settings)
    return public.fingerprint if public else None


# Credential sheets print the fingerprint so delegates and auditors can compare it.
sheets.FINGERPRINT_SOURCES.append(_sheet_fingerprint)
