"""The audit trail's hash chain, on plain data: what `asamblea audit verify FILE` runs on an
exported trail (JSON lines), with nothing but the standard library and `ballots.canonical`.

Event n's hash is SHA-256(previous hash ‖ RFC 8785 canonical JSON of {seq, at, actor, action,
subject, details}); the first event's previous hash is 64 zeros. Changing, inserting, removing
or reordering any event breaks every later link. Cutting events off the end does not: compare
the last hash with one noted earlier (the audit trail page shows the current head).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ballots.canonical import canonical_json

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash")


def event_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str,
               details: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the event's canonical JSON (RFC 8785)."""
    body = canonical_json({"seq": seq, "at": at, "actor": actor, "action": action,
                           "subject": subject, "details": details})
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    problems: list[str] = field(default_factory=list)
    head: str = GENESIS  # the hash of the last event read


def verify_chain(events: Iterable[dict[str, Any]]) -> ChainCheck:
    """Recompute every link; report each broken one (at most 100 are listed)."""
    prev, problems, count = GENESIS, [], 0
    for count, e in enumerate(events, start=1):
        try:
            if e["seq"] != count - 1:
                problems.append(f"event {count - 1}: sequence says {e['seq']}")
            if e["prev_hash"] != prev:
                problems.append(f"event {e['seq']}: previous hash does not match")
            expected = event_hash(prev, e["seq"], e["at"], e["actor"], e["action"],
                                  e["subject"], e["details"])
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"event {count - 1}: malformed ({exc.__class__.__name__}: {exc})")
            break
        if e["hash"] != expected:
            problems.append(f"event {e['seq']}: hash does not match its content")
        prev = e["hash"]
        if len(problems) >= 100:
            problems.append("stopped after 100 problems")
            break
    return ChainCheck(not problems, count, problems, prev)


def read_lines(lines: Iterable[bytes | str]) -> Iterator[dict[str, Any]]:
    """Events from JSON lines; a line that is not a JSON object raises ValueError."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(f"line {number} is not JSON") from None
        if not isinstance(event, dict):
            raise ValueError(f"line {number} is not a JSON object")
        yield event


def to_line(event: dict[str, Any]) -> bytes:
    """One exported event: canonical JSON and a newline."""
    return canonical_json({k: event[k] for k in FIELDS}) + b"\n"
