"""The trustees' key ceremony: who takes part, and their signed messages
(docs/e2e-protocol.md §7.1).

The board fixes the ceremony before it starts: an id, the threshold k, and the n trustees
with their names and Ed25519 keys (each trustee generates its key on its own laptop and
hands over the public key). Its canonical JSON's SHA-256 is the ceremony fingerprint that
every proof of the ceremony hashes. Every message a trustee publishes through the server
(the bulletin board) is signed with its key, so the server can relay but not forge them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ballots.canonical import canonical_json
from ballots.e2e.encoding import EncodingError, decode_hex
from ballots.e2e.keys import is_prime_order_key
from ballots.e2e.transcript import ProofContext
from ballots.e2e.trustees import MAX_TRUSTEES

FORMAT = "asamblea.ceremony/1"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}")


class CeremonyError(ValueError):
    """A ceremony message that is malformed, unsigned, or fails its proof; `check` names
    the check (ceremony_format, ceremony_signature, ceremony_proof, …), `signer` the
    trustee when the message was validly signed (only then is the fault that trustee's:
    anyone, the bulletin board included, can post a badly signed message)."""

    def __init__(self, check: str, message: str, signer: int | None = None) -> None:
        super().__init__(message)
        self.check = check
        self.signer = signer  # the trustee whose *signed* message is wrong, if it is one


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class TrusteeEntry:
    """One trustee of the ceremony: index (1..n), name, raw Ed25519 public key."""

    index: int
    name: str
    key: bytes


@dataclass(frozen=True)
class Ceremony:
    """The ceremony's setup: id, threshold k, and its trustees (indices 1..n in order)."""

    id: str
    threshold: int
    trustees: tuple[TrusteeEntry, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.fullmatch(self.id):
            raise EncodingError("ceremony id must be 1-100 characters of A-Z a-z 0-9 . _ : / -")
        n = len(self.trustees)
        if not 1 <= n <= MAX_TRUSTEES:
            raise EncodingError(f"a ceremony has 1 to {MAX_TRUSTEES} trustees")
        if not (_is_int(self.threshold) and 1 <= self.threshold <= n):
            raise EncodingError(f"the threshold must be between 1 and {n}")
        if [t.index for t in self.trustees] != list(range(1, n + 1)):
            raise EncodingError("trustees must be numbered 1, 2, … in order")
        if len({t.key for t in self.trustees}) != n:
            raise EncodingError("each trustee needs its own key")
        if not all(is_prime_order_key(t.key) for t in self.trustees):
            raise EncodingError("every trustee key must be an Ed25519 key of prime order")

    @property
    def count(self) -> int:
        """n, the number of trustees."""
        return len(self.trustees)

    def to_dict(self) -> dict[str, object]:
        """The setup object (ceremony.json `setup`)."""
        return {
            "format": FORMAT,
            "id": self.id,
            "threshold": self.threshold,
            "trustees": [
                {"index": t.index, "name": t.name, "key": t.key.hex()} for t in self.trustees
            ],
        }

    @classmethod
    def from_dict(cls, data: object) -> Ceremony:
        """Parse the setup object strictly (`EncodingError`)."""
        if not isinstance(data, Mapping) or set(data) != {"format", "id", "threshold", "trustees"}:
            raise EncodingError("ceremony setup must have exactly format, id, threshold, trustees")
        if data["format"] != FORMAT:
            raise EncodingError(f"ceremony setup format must be {FORMAT!r}")
        listed = data["trustees"]
        if not isinstance(listed, list) or len(listed) > MAX_TRUSTEES:
            raise EncodingError("ceremony trustees must be a list")
        entries = []
        for n, item in enumerate(listed):
            if not isinstance(item, Mapping) or set(item) != {"index", "name", "key"}:
                raise EncodingError(f"ceremony trustee {n + 1} must have index, name, key")
            if not _is_int(item["index"]) or not isinstance(item["name"], str):
                raise EncodingError(f"ceremony trustee {n + 1} has a wrong index or name")
            entries.append(
                TrusteeEntry(item["index"], item["name"], decode_hex(item["key"], "key", 32))
            )
        return cls(id=data["id"], threshold=data["threshold"], trustees=tuple(entries))

    def fingerprint(self) -> bytes:
        """SHA-256 of the setup's canonical JSON (32 bytes)."""
        return hashlib.sha256(canonical_json(self.to_dict())).digest()

    def key_of(self, index: int) -> bytes:
        """Trustee `index`'s raw Ed25519 key."""
        return self.trustees[index - 1].key

    def context(self, index: int) -> ProofContext:
        """The proof context of trustee `index` in this ceremony."""
        return ProofContext(self.fingerprint(), str(index), self.key_of(index))


def sign_message(key: Ed25519PrivateKey, message: Mapping[str, object]) -> dict[str, object]:
    """{"message": message, "signature": Ed25519 signature of its canonical JSON}."""
    return {"message": dict(message), "signature": key.sign(canonical_json(message)).hex()}


def open_message(
    ceremony: Ceremony, signed: object, kind: str, fields: frozenset[str]
) -> tuple[int, dict[str, Any]]:
    """Check a signed ceremony message: exactly `fields` plus format, ceremony and index;
    the format `kind`; this ceremony; signed by that trustee. Returns (index, message)."""
    if not isinstance(signed, Mapping) or set(signed) != {"message", "signature"}:
        raise CeremonyError("ceremony_format", f"a {kind} must be {{message, signature}}")
    message = signed["message"]
    expected = fields | {"format", "ceremony", "index"}
    if not isinstance(message, dict) or set(message) != expected:
        raise CeremonyError(
            "ceremony_format", f"a {kind} has exactly {', '.join(sorted(expected))}"
        )
    index = message["index"]
    if message["format"] != kind or not _is_int(index) or not 1 <= index <= ceremony.count:
        raise CeremonyError("ceremony_format", f"not a {kind} of a trustee of this ceremony")
    if message["ceremony"] != ceremony.fingerprint().hex():
        raise CeremonyError(
            "ceremony_format", f"the {kind} of trustee {index} is for another ceremony"
        )
    try:
        signature = decode_hex(signed["signature"], "signature", 64)
        Ed25519PublicKey.from_public_bytes(ceremony.key_of(index)).verify(
            signature, canonical_json(message)
        )
    except (EncodingError, InvalidSignature, ValueError):
        raise CeremonyError(
            "ceremony_signature", f"the {kind} of trustee {index} is not signed by its key"
        ) from None
    return index, message
