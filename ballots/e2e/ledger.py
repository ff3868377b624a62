"""A secret poll's ledger lines (ballots.jsonl of the secret bundle; docs/e2e-protocol.md §9.2).

One canonical JSON object per accepted ballot, in ledger order:

    {"seq", "voter", "cast_at", "key_roll_size", "ballot": {…}, "signature": hex}

`key_roll_size` is the number of key-roll events the server had when it accepted the
ballot: the ballot must be signed by the key those events authorize for its right, and the
sizes never decrease along the ledger. A ballot's receipt is the RFC 6962 leaf hash of its
line, as for plain polls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ballots.canonical import canonical_json_plain
from ballots.e2e.encoding import EncodingError, decode_hex

FIELDS = frozenset({"seq", "voter", "cast_at", "key_roll_size", "ballot", "signature"})


@dataclass(frozen=True)
class LedgerEntry:
    """One ledger line, its ballot still as JSON (checked by `ballots.e2e.ballot_check`)."""

    seq: int
    voter: str
    cast_at: str
    key_roll_size: int
    ballot: Any
    signature: bytes


def ledger_line(
    seq: int,
    voter: str,
    cast_at: str,
    key_roll_size: int,
    ballot: dict[str, object],
    signature: bytes,
) -> bytes:
    """The canonical line (without newline) of an accepted ballot."""
    return canonical_json_plain(
        {
            "seq": seq,
            "voter": voter,
            "cast_at": cast_at,
            "key_roll_size": key_roll_size,
            "ballot": ballot,
            "signature": signature.hex(),
        }
    )


def parse_entry(obj: object, index: int) -> LedgerEntry:
    """A ledger line's object, strictly (the ballot inside is checked elsewhere)."""
    if not isinstance(obj, dict) or set(obj) != FIELDS:
        raise EncodingError(f"must have exactly {', '.join(sorted(FIELDS))}")
    seq, voter, cast_at, size = obj["seq"], obj["voter"], obj["cast_at"], obj["key_roll_size"]
    if type(seq) is not int or seq != index:
        raise EncodingError(f"seq is {seq!r}, expected {index}")
    if not isinstance(voter, str) or not voter or not isinstance(cast_at, str):
        raise EncodingError("voter and cast_at must be strings")
    if type(size) is not int or size < 0:
        raise EncodingError("key_roll_size must be an integer >= 0")
    signature = decode_hex(obj["signature"], "signature", 64)
    return LedgerEntry(seq, voter, cast_at, size, obj["ballot"], signature)
