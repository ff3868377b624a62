"""Reading roll.jsonl and ballots.jsonl back (API.md §3), strictly.

Each file is one RFC 8785 canonical JSON object per line, every line ending in "\\n".
Parsers here never raise on bad input: they return what they could read and a list of
precise problems ("ballots.jsonl line 7: seq is 9, expected 6"), for the verifier to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballots.canonical import NotCanonical, parse_canonical_lines
from ballots.casting import VOTE_FIELDS
from ballots.tally import BallotLine, RollEntry

ROLL_FIELDS = frozenset({"voter", "weight", "present", "organization"})
_VOTE_KEYS = frozenset(VOTE_FIELDS)
MAX_PROBLEMS = 10  # per file: enough to act on, without drowning a report


@dataclass(frozen=True)
class ParsedRoll:
    """roll.jsonl read back: the entries of the well-formed lines, and the problems."""

    entries: tuple[RollEntry, ...]
    problems: tuple[str, ...]
    complete: bool  # every line gave an entry


@dataclass(frozen=True)
class ParsedBallots:
    """ballots.jsonl read back: the raw lines (ledger leaves) and the parsed ballots."""

    lines: tuple[bytes, ...]
    ballots: tuple[BallotLine, ...]
    problems: tuple[str, ...]
    complete: bool


class _Problems:
    """Collects problems, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.items: list[str] = []
        self.extra = 0

    def add(self, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(f"{self.label} {message}")
        else:
            self.extra += 1

    def result(self) -> tuple[str, ...]:
        if self.extra:
            return (*self.items, f"{self.label}: {self.extra} more problem(s) not shown")
        return tuple(self.items)


def split_lines(data: bytes) -> tuple[list[bytes], bool]:
    """The lines of a .jsonl file without their newlines, and whether the file is well
    terminated (empty, or ending in "\\n"). A missing final newline still yields that
    last line, so the line count stays what a reader of the file would see."""
    if not data:
        return [], True
    if data.endswith(b"\n"):
        return data[:-1].split(b"\n"), True
    return data.split(b"\n"), False


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _roll_problem(obj: Any, secret: bool | None, seen: set[str]) -> str:
    """Why a roll line is not a valid voting right (the slow path, for failures only)."""
    if isinstance(obj, NotCanonical):
        return str(obj)
    if not isinstance(obj, dict) or obj.keys() != ROLL_FIELDS:
        return f"must be an object with exactly {', '.join(sorted(ROLL_FIELDS))}"
    voter, weight, present, org = obj["voter"], obj["weight"], obj["present"], obj["organization"]
    if not isinstance(voter, str) or not voter:
        return "voter must be a non-empty string"
    if not _is_int(weight) or weight < 1:
        return f"weight must be an integer >= 1, got {weight!r}"
    if not isinstance(present, bool):
        return "present must be true or false"
    if org is not None and not isinstance(org, str):
        return "organization must be a string or null"
    if secret and org is not None:
        return "organization must be null in a secret poll"
    return f"voter {voter!r} appears twice"


def parse_roll(data: bytes, *, secret: bool | None = None) -> ParsedRoll:
    """Parse roll.jsonl: canonical lines with exactly voter (non-empty str), weight (int
    >= 1), present (bool), organization (str or null; null everywhere when `secret`);
    voters unique."""
    lines, terminated = split_lines(data)
    problems = _Problems("roll.jsonl")
    if not terminated:
        problems.add("does not end with a newline")
    entries: list[RollEntry] = []
    seen: set[str] = set()
    for number, obj in enumerate(parse_canonical_lines(lines), start=1):
        # Fast acceptance test (type() is exact: it refuses bool where int is meant).
        if type(obj) is dict and obj.keys() == ROLL_FIELDS:
            voter, weight, org = obj["voter"], obj["weight"], obj["organization"]
            if (
                type(voter) is str
                and voter
                and voter not in seen
                and type(weight) is int
                and weight >= 1
                and type(obj["present"]) is bool
                and (org is None or (type(org) is str and not secret))
            ):
                seen.add(voter)
                entries.append(RollEntry(voter, weight, obj["present"], org))
                continue
        problems.add(f"line {number}: {_roll_problem(obj, secret, seen)}")
    return ParsedRoll(
        entries=tuple(entries),
        problems=problems.result(),
        complete=len(entries) == len(lines),
    )


def _ballot_problem(obj: Any, index: int) -> str:
    """Why a ballot line is not well-formed (the slow path, for failures only)."""
    if isinstance(obj, NotCanonical):
        return str(obj)
    if not isinstance(obj, dict):
        return "must be a JSON object"
    seq, voter = obj.get("seq"), obj.get("voter")
    if seq != index or not _is_int(seq):
        return f"seq is {seq!r}, expected {index}"
    if not isinstance(voter, str) or not voter:
        return "voter must be a non-empty string"
    if not isinstance(obj.get("cast_at"), str):
        return "cast_at must be a string"
    return "needs exactly one of choice, choices, split"


def parse_ballots(data: bytes) -> ParsedBallots:
    """Parse ballots.jsonl: canonical lines, each an object with `seq` equal to its
    position (0, 1, 2, …), a non-empty string `voter`, a string `cast_at` and exactly one
    of `choice` / `choices` / `split` (their content is checked against the poll by the
    recount)."""
    lines, terminated = split_lines(data)
    problems = _Problems("ballots.jsonl")
    if not terminated:
        problems.add("does not end with a newline")
    ballots: list[BallotLine] = []
    for index, obj in enumerate(parse_canonical_lines(lines)):
        if type(obj) is dict:
            seq, voter = obj.get("seq"), obj.get("voter")
            if (
                type(seq) is int
                and seq == index
                and type(voter) is str
                and voter
                and type(obj.get("cast_at")) is str
                and len(obj.keys() & _VOTE_KEYS) == 1
            ):
                ballots.append(BallotLine(seq, voter, obj))
                continue
        problems.add(f"line {index + 1}: {_ballot_problem(obj, index)}")
    return ParsedBallots(
        lines=tuple(lines),
        ballots=tuple(ballots),
        problems=problems.result(),
        complete=len(ballots) == len(lines),
    )


def roll_total(entries: Sequence[RollEntry]) -> int:
    """Sum of the roll's weights (API.md §3 check 3)."""
    return sum(entry.weight for entry in entries)
