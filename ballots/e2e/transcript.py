"""Strong Fiat–Shamir challenges (docs/e2e-protocol.md §4).

Every challenge is SHA-512 over length-framed items, wide-reduced modulo L:

    frame(x)  = len(x) as 4 bytes big-endian ‖ x
    input     = frame("asamblea/e2e/1") ‖ frame(tag) ‖ frame(fingerprint) ‖ frame(subject)
                ‖ frame(subject_key) ‖ frame(s₁) ‖ … ‖ frame(c₁) ‖ …

The fingerprint is the poll's (or the key ceremony's): it covers every public parameter;
the subject is who proves (a voting right, or a trustee's index) and subject_key its key
(the voting key, or the trustee's key). Then the statement items sᵢ and the commitments cᵢ,
in the order each proof states. Binding all of these ("strong" Fiat–Shamir, against the
attacks of Bernhard, Pereira and Warinschi 2012) means a proof cannot be moved to another
poll, voting right, key or statement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from ballots.e2e.group import wide_reduce

DOMAIN = b"asamblea/e2e/1"


def frame(item: bytes) -> bytes:
    """4-byte big-endian length, then the bytes: frames concatenate unambiguously."""
    return len(item).to_bytes(4, "big") + item


def integer(value: int) -> bytes:
    """An integer statement item: 8 bytes big-endian, unsigned."""
    return value.to_bytes(8, "big")


@dataclass(frozen=True)
class ProofContext:
    """Who proves what, where: the fingerprint (32 bytes) of the poll or ceremony, the
    subject (a voting right's id, or a trustee's index as decimal digits) and its key
    (32 raw bytes: the voting key, or the trustee's key)."""

    fingerprint: bytes
    subject: str
    subject_key: bytes

    def __post_init__(self) -> None:
        if len(self.fingerprint) != 32:
            raise ValueError("a fingerprint is 32 bytes")
        if len(self.subject_key) != 32:
            raise ValueError("a subject key is 32 bytes")


def challenge(
    tag: str, context: ProofContext, statement: Iterable[bytes], commitments: Iterable[bytes]
) -> int:
    """The challenge scalar for a proof with domain `tag` (docs/e2e-protocol.md §4)."""
    h = hashlib.sha512()
    h.update(frame(DOMAIN))
    h.update(frame(tag.encode("utf-8")))
    h.update(frame(context.fingerprint))
    h.update(frame(context.subject.encode("utf-8")))
    h.update(frame(context.subject_key))
    for item in statement:
        h.update(frame(item))
    for item in commitments:
        h.update(frame(item))
    return wide_reduce(h.digest())
