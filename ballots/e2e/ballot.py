"""The encrypted ballot: its JSON form, its hash and the bytes its voting key signs
(docs/e2e-protocol.md §6).

A ballot of a poll without divided votes ("choice" ballot) holds, for every option in the
poll's order, a ciphertext of 0 or 1 with its proof; a "multiple" poll adds `count_proof`.
A ballot of a poll with divided votes holds, for every option, the bits of the part it
gives and the bits of the rest of the weight, each a ciphertext of 0 or 1 with its proof.
The voting key (Ed25519, RFC 8032) signs the RFC 8785 bytes of the whole ballot object;
the ballot hash (the delegate's tracker, and `previous` of its next ballot) is their
SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ballots.canonical import canonical_json_plain
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.encoding import EncodingError, decode_hex
from ballots.e2e.keys import is_prime_order_key
from ballots.e2e.proofs import OneOfProof

FORMAT = "asamblea.ballot/1"
MAX_OPTIONS = 64
MAX_BITS = 53  # weights are JSON-exact integers, below 2**53
_HEX64 = re.compile(r"[0-9a-f]{64}")
_COMMON = {"format", "poll", "voter", "voting_key", "previous"}


@dataclass(frozen=True)
class EncryptedBit:
    """A ciphertext of 0 or 1 and its disjunctive proof."""

    ciphertext: Ciphertext
    proof: OneOfProof

    def to_dict(self) -> dict[str, object]:
        """{"alpha", "beta", "proof": [{c, s}, {c, s}]}."""
        return {**self.ciphertext.to_dict(), "proof": self.proof.to_dict()}

    @classmethod
    def from_dict(cls, data: object, what: str) -> EncryptedBit:
        """Strictly from {"alpha", "beta", "proof"}."""
        if not isinstance(data, Mapping) or set(data) != {"alpha", "beta", "proof"}:
            raise EncodingError(f"{what} must have exactly alpha, beta, proof")
        return cls(
            Ciphertext.from_dict({"alpha": data["alpha"], "beta": data["beta"]}, what),
            OneOfProof.from_dict(data["proof"], f"{what}.proof", 2),
        )


@dataclass(frozen=True)
class DividedPart:
    """One option of a divided vote: the bits of the part (least significant first) and
    the bits of the weight minus the part."""

    bits: tuple[EncryptedBit, ...]
    rest: tuple[EncryptedBit, ...]

    def to_dict(self) -> dict[str, object]:
        """{"bits": [...], "rest": [...]}."""
        return {
            "bits": [bit.to_dict() for bit in self.bits],
            "rest": [bit.to_dict() for bit in self.rest],
        }


@dataclass(frozen=True)
class Ballot:
    """A signed-to-be encrypted ballot.

    poll: the poll fingerprint (hex). voter: the voting right. voting_key: the raw
    32-byte Ed25519 key that signs it. previous: the hash of this right's previous ballot
    in the ledger (None for its first). choices (choice ballots) or parts (divided
    ballots), one per option in poll order; count_proof for "multiple" polls.
    """

    poll: str
    voter: str
    voting_key: bytes
    previous: str | None
    choices: tuple[EncryptedBit, ...] = ()
    parts: tuple[DividedPart, ...] = ()
    count_proof: OneOfProof | None = None

    def to_dict(self) -> dict[str, object]:
        """The ballot object (docs/e2e-protocol.md §6)."""
        body: dict[str, object] = {
            "format": FORMAT,
            "poll": self.poll,
            "voter": self.voter,
            "voting_key": self.voting_key.hex(),
            "previous": self.previous,
        }
        if self.parts:
            body["parts"] = [part.to_dict() for part in self.parts]
        else:
            body["choices"] = [choice.to_dict() for choice in self.choices]
        if self.count_proof is not None:
            body["count_proof"] = self.count_proof.to_dict()
        return body

    def signed_bytes(self) -> bytes:
        """What the voting key signs: RFC 8785 canonical JSON of `to_dict()`."""
        return canonical_json_plain(self.to_dict())

    def hash(self) -> str:
        """The ballot hash: hex SHA-256 of `signed_bytes()`."""
        return hashlib.sha256(self.signed_bytes()).hexdigest()


def _bits(data: object, what: str) -> tuple[EncryptedBit, ...]:
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_BITS:
        raise EncodingError(f"{what} must be a list of 1 to {MAX_BITS} encrypted bits")
    return tuple(EncryptedBit.from_dict(item, f"{what}[{b}]") for b, item in enumerate(data))


def parse_ballot(data: object, *, options: int, count_values: int = 0) -> Ballot:
    """A ballot from its JSON object, strictly: exactly the fields of its kind, `options`
    entries, canonical hex everywhere, no identity element, proofs of the right size
    (`count_values` challenges in count_proof when the poll has one). `EncodingError`
    names the first field that is wrong. Proofs and signature are checked elsewhere."""
    if not isinstance(data, Mapping):
        raise EncodingError("ballot must be an object")
    kind = "parts" if "parts" in data else "choices"
    expected = _COMMON | {kind} | ({"count_proof"} if count_values else set())
    if set(data) != expected:
        raise EncodingError(f"ballot must have exactly {', '.join(sorted(expected))}")
    if data["format"] != FORMAT:
        raise EncodingError(f"ballot format must be {FORMAT!r}")
    poll, voter, previous = data["poll"], data["voter"], data["previous"]
    if not isinstance(poll, str) or not _HEX64.fullmatch(poll):
        raise EncodingError("ballot.poll must be 64 lower-case hex digits")
    if not isinstance(voter, str) or not voter:
        raise EncodingError("ballot.voter must be a non-empty string")
    if previous is not None and (not isinstance(previous, str) or not _HEX64.fullmatch(previous)):
        raise EncodingError("ballot.previous must be null or 64 lower-case hex digits")
    key = decode_hex(data["voting_key"], "ballot.voting_key", 32)
    if not is_prime_order_key(key):
        raise EncodingError("ballot.voting_key is not an Ed25519 key of prime order")
    entries = data[kind]
    if not isinstance(entries, list) or len(entries) != options:
        raise EncodingError(f"ballot.{kind} must have one entry per option ({options})")
    count_proof = (
        OneOfProof.from_dict(data["count_proof"], "ballot.count_proof", count_values)
        if count_values
        else None
    )
    if kind == "choices":
        choices = tuple(
            EncryptedBit.from_dict(item, f"ballot.choices[{j}]") for j, item in enumerate(entries)
        )
        return Ballot(poll, voter, key, previous, choices=choices, count_proof=count_proof)
    parts = []
    for j, item in enumerate(entries):
        if not isinstance(item, Mapping) or set(item) != {"bits", "rest"}:
            raise EncodingError(f"ballot.parts[{j}] must have exactly bits and rest")
        parts.append(
            DividedPart(
                _bits(item["bits"], f"ballot.parts[{j}].bits"),
                _bits(item["rest"], f"ballot.parts[{j}].rest"),
            )
        )
    return Ballot(poll, voter, key, previous, parts=tuple(parts), count_proof=count_proof)
