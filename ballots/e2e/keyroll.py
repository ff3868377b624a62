"""The key roll: which voting key may sign for which voting right, and its history
(docs/e2e-protocol.md §9.1).

One canonical JSON line per event, in order (`seq` 0, 1, 2, …):

    {"seq", "voter", "key": hex | null, "holder": "own" | "proxy", "reason", "at"}

reason: "registered" (a delegate's device registered its key, at check-in or first vote),
"proxy" (the right's vote now goes through a proxy holder's key), "re_registered" (the
credentials committee replaced a key, e.g. a lost phone), "revoked" (no key: `key` null).
The latest event of a right, among the first `size` events, says which key signs for it
at the moment the ledger had seen `size` events; every earlier key of that right is
superseded. The whole history is public, so an organization can see that no key — or
which key — was registered for it, and every re-registration shows.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ballots.canonical import canonical_json_plain
from ballots.e2e.encoding import EncodingError, decode_hex
from ballots.e2e.keys import is_prime_order_key

REASONS = ("registered", "proxy", "re_registered", "revoked")
HOLDERS = ("own", "proxy")
FIELDS = frozenset({"seq", "voter", "key", "holder", "reason", "at"})


@dataclass(frozen=True)
class KeyEvent:
    """One key-roll line."""

    seq: int
    voter: str
    key: bytes | None
    holder: str
    reason: str
    at: str

    def to_dict(self) -> dict[str, object]:
        """The line's object."""
        return {
            "seq": self.seq,
            "voter": self.voter,
            "key": self.key.hex() if self.key is not None else None,
            "holder": self.holder,
            "reason": self.reason,
            "at": self.at,
        }

    def line(self) -> bytes:
        """The canonical line, without newline."""
        return canonical_json_plain(self.to_dict())


def key_roll_lines(events: Iterable[KeyEvent]) -> bytes:
    """keyroll.jsonl: every event's line followed by a newline."""
    return b"".join(event.line() + b"\n" for event in events)


def parse_event(obj: object, index: int) -> KeyEvent:
    """A key-roll line's object, strictly; `EncodingError` says what is wrong."""
    if not isinstance(obj, dict) or set(obj) != FIELDS:
        raise EncodingError(f"must have exactly {', '.join(sorted(FIELDS))}")
    seq, voter, key, holder, reason, at = (
        obj["seq"],
        obj["voter"],
        obj["key"],
        obj["holder"],
        obj["reason"],
        obj["at"],
    )
    if type(seq) is not int or seq != index:
        raise EncodingError(f"seq is {seq!r}, expected {index}")
    if not isinstance(voter, str) or not voter:
        raise EncodingError("voter must be a non-empty string")
    if holder not in HOLDERS or reason not in REASONS or not isinstance(at, str):
        raise EncodingError("holder, reason or at is not one of the allowed values")
    if (key is None) != (reason == "revoked"):
        raise EncodingError("key is null exactly when the reason is revoked")
    raw = None if key is None else decode_hex(key, "key", 32)
    if raw is not None and not is_prime_order_key(raw):
        raise EncodingError("key is not an Ed25519 key of prime order")
    return KeyEvent(seq, voter, raw, holder, reason, at)


class KeyRoll:
    """The key roll's events, indexed to answer "which key signs for this right when the
    roll had `size` events" quickly."""

    def __init__(self, events: Sequence[KeyEvent]) -> None:
        self.events = tuple(events)
        self._by_voter: dict[str, tuple[list[int], list[bytes | None]]] = {}
        for event in self.events:
            seqs, keys = self._by_voter.setdefault(event.voter, ([], []))
            seqs.append(event.seq)
            keys.append(event.key)

    def authorized(self, voter: str, size: int) -> bytes | None:
        """The key authorized for `voter` by the first `size` events (None: none)."""
        entry = self._by_voter.get(voter)
        if entry is None:
            return None
        seqs, keys = entry
        position = bisect.bisect_left(seqs, size)
        return keys[position - 1] if position else None
