"""`asamblea cosign`: a teller or auditor signs a poll's result.json — or the president and
the secretary sign an assembly's minutes.json — with their own Ed25519 key, offline, with
nothing but this package; the signature is then uploaded to the server, which adds it to the
bundle's (or the minutes package's) cosignatures/."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

from ballots import signing
from ballots.bundle import BundleError, read_bundle
from ballots.minutes import is_minutes, read_minutes


def _result_bytes(path: Path) -> bytes:
    """What to sign: a .json file as it is, a minutes package's minutes.json, or an audit
    bundle's result.json."""
    if path.is_file() and path.suffix == ".json":
        return path.read_bytes()
    if is_minutes(path):
        return read_minutes(path).statement_json
    return read_bundle(path).result_json


def main(path: str | None, key_file: str | None, name: str, generate_key: str | None) -> int:
    """Print the base64 signature and public key to upload; exit 2 with one line on errors."""
    try:
        if generate_key:
            target = Path(generate_key)
            key = signing.generate_private_key()
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(signing.private_key_pem(key, None))
            print(f"Personal key written to {target}; fingerprint "
                  f"{signing.fingerprint(key.public_key())}")
            return 0
        if not path or not key_file:
            print("asamblea cosign: give PATH and --key (or --generate-key FILE)", file=sys.stderr)
            return 2
        key = signing.load_private_key(Path(key_file).read_bytes(), None)
        data = _result_bytes(Path(path))
    except FileExistsError:
        print(f"asamblea cosign: {generate_key} exists already", file=sys.stderr)
        return 2
    except (OSError, BundleError, signing.SigningKeyError) as exc:
        print(f"asamblea cosign: {exc}", file=sys.stderr)
        return 2
    signature = signing.sign(key, data)
    public = signing.public_key_pem(key.public_key()).decode()
    print(f"name: {name or 'cosigner'}")
    print(f"fingerprint: {signing.fingerprint(key.public_key())}")
    print(f"signature: {base64.b64encode(signature).decode()}")
    print(public, end="")
    return 0
