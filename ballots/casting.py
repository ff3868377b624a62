"""Ballot validation: what a voting right may put in the box for one poll.

API.md castBallot: a ballot carries exactly one of `choice` (an option key), `choices`
(option keys, for "multiple" polls) or `split` ({option key: units}, when the poll allows
split votes; the units are the voting right's weight, shared out). `validate_choice`
checks one payload against the poll and the voter's weight, and rejects it with a stable
reason code that the application maps to its own error response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ballots.polls import ABSTAIN, PollSpec

NOT_AN_OPTION = "not_an_option"
TOO_MANY_CHOICES = "too_many_choices"
NO_CHOICE = "no_choice"
SPLIT_NOT_ALLOWED = "split_not_allowed"
SPLIT_SUM = "split_sum"
MALFORMED = "malformed"
CODES = (NOT_AN_OPTION, TOO_MANY_CHOICES, NO_CHOICE, SPLIT_NOT_ALLOWED, SPLIT_SUM, MALFORMED)

VOTE_FIELDS = ("choice", "choices", "split")


class BallotRejected(ValueError):
    """A ballot the poll cannot accept; `code` is one of `CODES`, `message` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Vote:
    """A validated ballot content.

    kind: "choice", "choices" or "split" — the field the voter used.
    options: the option keys named, in the voter's order (no duplicates).
    units: for "split", the units given to each of `options` (same order); else empty.
    """

    kind: str
    options: tuple[str, ...]
    units: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The ballot-line field for this vote: {"choice": k}, {"choices": [..]} or
        {"split": {k: units}} (API.md §3, ballots.jsonl)."""
        if self.kind == "choice":
            return {"choice": self.options[0]}
        if self.kind == "choices":
            return {"choices": list(self.options)}
        return {"split": dict(zip(self.options, self.units, strict=True))}

    def allocation(self, weight: int) -> tuple[tuple[str, int], ...]:
        """What each option receives from a voter of `weight` (API.md §3 check 5): the full
        weight for every option chosen; for a split, the units given (zeros left out)."""
        if self.kind == "split":
            return tuple((k, u) for k, u in zip(self.options, self.units, strict=True) if u > 0)
        return tuple((k, weight) for k in self.options)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _one_field(payload: Mapping[str, object]) -> str:
    present = [name for name in VOTE_FIELDS if name in payload]
    if not present:
        raise BallotRejected(NO_CHOICE, "the ballot has no choice, choices or split")
    if len(present) > 1:
        raise BallotRejected(MALFORMED, f"the ballot has both {present[0]} and {present[1]}")
    return present[0]


def _known(spec: PollSpec, key: object) -> str:
    if not isinstance(key, str):
        raise BallotRejected(MALFORMED, f"an option key must be a string, got {key!r}")
    if key not in spec.options:
        raise BallotRejected(NOT_AN_OPTION, f"{key!r} is not an option of this poll")
    return key


def _choices(spec: PollSpec, raw: object) -> Vote:
    if spec.method != "multiple":
        raise BallotRejected(MALFORMED, f"a {spec.method} poll takes 'choice', not 'choices'")
    if not isinstance(raw, list | tuple):
        raise BallotRejected(MALFORMED, "choices must be a list of option keys")
    if not raw:
        raise BallotRejected(NO_CHOICE, "choices is empty")
    keys = tuple(_known(spec, key) for key in raw)
    if len(set(keys)) != len(keys):
        raise BallotRejected(MALFORMED, "choices names an option twice")
    if ABSTAIN in keys and len(keys) > 1:
        raise BallotRejected(MALFORMED, "abstain cannot be combined with other choices")
    if len(keys) > spec.max_choices:
        raise BallotRejected(
            TOO_MANY_CHOICES, f"{len(keys)} choices, at most {spec.max_choices} allowed"
        )
    return Vote(kind="choices", options=keys)


def _split(spec: PollSpec, weight: int, raw: object) -> Vote:
    if not spec.allow_split:
        raise BallotRejected(SPLIT_NOT_ALLOWED, "this poll does not allow split votes")
    if not isinstance(raw, Mapping):
        raise BallotRejected(MALFORMED, "split must be an object {option: units}")
    if not raw:
        raise BallotRejected(NO_CHOICE, "split is empty")
    keys = tuple(_known(spec, key) for key in raw)
    units = tuple(raw.values())
    for key, unit in zip(keys, units, strict=True):
        if not _is_int(unit):
            raise BallotRejected(MALFORMED, f"units for {key!r} must be an integer, got {unit!r}")
        if unit < 0:
            raise BallotRejected(SPLIT_SUM, f"units for {key!r} are negative ({unit})")
    total = sum(units)
    if total != weight:
        raise BallotRejected(SPLIT_SUM, f"split units sum to {total}, the weight is {weight}")
    return Vote(kind="split", options=keys, units=units)


def validate_choice(spec: PollSpec, weight: int, payload: Mapping[str, object]) -> Vote:
    """Validate one ballot payload for a voting right of `weight` (API.md castBallot).

    Exactly one of `choice`, `choices`, `split` must be present; other keys of the payload
    (such as `seq`, `voter`, `cast_at` of a ballot line) are not looked at.
      - choice: a str option key (any method);
      - choices: "multiple" only; 1..max_choices distinct keys; "abstain" only alone;
      - split: only when spec.allow_split; known keys, integer units >= 0 that sum
        exactly to `weight`.
    Raises `BallotRejected(code, message)`; `ValueError` if `weight` < 1 (a caller bug).
    """
    if not _is_int(weight) or weight < 1:
        raise ValueError(f"weight must be an integer >= 1, got {weight!r}")
    if not isinstance(payload, Mapping):
        raise BallotRejected(MALFORMED, "the ballot must be an object")
    name = _one_field(payload)
    raw = payload[name]
    if name == "choice":
        if not isinstance(raw, str):
            raise BallotRejected(MALFORMED, f"choice must be an option key, got {raw!r}")
        return Vote(kind="choice", options=(_known(spec, raw),))
    if name == "choices":
        return _choices(spec, raw)
    return _split(spec, weight, raw)
