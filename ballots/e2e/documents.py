"""Reading a bundle's JSON files with bounds (docs/e2e-protocol.md §11.3): a size limit per
file and per line, canonical form required, and nesting that cannot exhaust the stack (a
document nested too deeply is refused with a reason, never a crash)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ballots.canonical import NotCanonical, parse_canonical, parse_canonical_lines
from ballots.lines import split_lines

MAX_DEPTH = 16
LIMITS = {  # bytes per file
    "result.json": 1 << 20,
    "poll.json": 1 << 20,
    "ceremony.json": 16 << 20,
    "decryption.jsonl": 16 << 20,
    "keyroll.jsonl": 64 << 20,
}
MAX_LINE = 4 << 20  # one ledger line: a divided vote of 64 options × 53 bits fits


class DocumentError(ValueError):
    """A file that is too large, not canonical JSON, or nested too deeply."""


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """The nesting depth of a parsed value, stopping early past `limit`."""
    best = 0
    stack = [(value, 1)]
    while stack:
        current, level = stack.pop()
        best = max(best, level)
        if best > limit:
            return best
        if isinstance(current, dict):
            stack.extend((v, level + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, level + 1) for v in current)
    return best


def load_document(data: bytes, name: str) -> Any:
    """A canonical JSON file within its size and depth limits."""
    limit = LIMITS.get(name, 1 << 20)
    if len(data) > limit:
        raise DocumentError(f"{name} is larger than {limit} bytes")
    try:
        value = parse_canonical(data)
    except NotCanonical as exc:
        raise DocumentError(f"{name} is not canonical JSON: {exc}") from None
    except RecursionError:
        raise DocumentError(f"{name} is nested too deeply") from None
    if depth(value) > MAX_DEPTH:
        raise DocumentError(f"{name} is nested deeper than {MAX_DEPTH} levels")
    return value


def load_lines(data: bytes, name: str) -> list[Any]:
    """Each line of a .jsonl file: its value, or a `NotCanonical` saying why not (too long,
    not canonical, nested too deeply). `DocumentError` when the file itself is too large
    or does not end with a newline."""
    limit = LIMITS.get(name)
    if limit is not None and len(data) > limit:
        raise DocumentError(f"{name} is larger than {limit} bytes")
    lines, terminated = split_lines(data)
    if not terminated:
        raise DocumentError(f"{name} does not end with a newline")
    return parse_lines(lines)


def parse_lines(lines: Sequence[bytes]) -> list[Any]:
    """`parse_canonical_lines` with the line-length and depth bounds."""
    if any(len(line) > MAX_LINE for line in lines):
        return [_one(line) for line in lines]
    try:
        values = parse_canonical_lines(lines)
    except RecursionError:
        return [_one(line) for line in lines]
    return [_bounded(v) for v in values]


def _one(line: bytes) -> Any:
    if len(line) > MAX_LINE:
        return NotCanonical(f"line longer than {MAX_LINE} bytes")
    try:
        return _bounded(parse_canonical(line))
    except NotCanonical as exc:
        return exc
    except RecursionError:
        return NotCanonical("nested too deeply")


def _bounded(value: Any) -> Any:
    if isinstance(value, NotCanonical) or depth(value) <= MAX_DEPTH:
        return value
    return NotCanonical(f"nested deeper than {MAX_DEPTH} levels")
