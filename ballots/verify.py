"""Offline verification of an audit bundle: API.md §3 checks 1–6, and a few more.

Every check runs, whatever failed before it; a check that depends on a file that could
not be read fails with that reason instead of raising. The checks, in report order:

  result_format   result.json is canonical JSON with the asamblea.result/1 fields
  signature       (check 1) result.json.sig is the Ed25519 signature of result.json
  signing_key     (check 2) signing_key.sha256 is the fingerprint of signing-key.pem
  roll_format     roll.jsonl lines are canonical, well-typed, voters unique
  roll            (check 3) roll.sha256, roll.total_weight and roll.voting_rights
  ballots_format  ballots.jsonl lines are canonical, seq runs 0, 1, 2, …
  ledger          (check 4) ledger.tree_size and the RFC 6962 ledger.root
  tally           (check 5) the recount gives result.tally and result.cast
  outcome         (check 6) quorum_met, outcome and presence follow from the rules
  cosignature:NAME  each cosignature verifies (plus "cosignatures" if files are unpaired)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ballots.bundle import Bundle, read_bundle
from ballots.canonical import NotCanonical, parse_canonical, sha256_hex
from ballots.casting import BallotRejected
from ballots.ledger import leaf_hash, root
from ballots.lines import ParsedBallots, ParsedRoll, parse_ballots, parse_roll, roll_total
from ballots.polls import PollSpec, PollSpecError
from ballots.result import FORMAT, RESULT_FIELDS
from ballots.signing import SigningKeyError, fingerprint, load_public_key, verify_signature
from ballots.tally import (
    Tally,
    TallyError,
    allocation_of,
    attendance,
    counted_ballots,
    decide,
    tally,
)


@dataclass(frozen=True)
class Check:
    """One verification check: its name, whether it held, and why (or why not)."""

    name: str
    ok: bool
    reason: str


@dataclass(frozen=True)
class Report:
    """Every check of a bundle, and a summary taken from result.json (None if unreadable)."""

    checks: tuple[Check, ...]
    poll_id: object = None
    poll_title: str | None = None
    tree_size: int | None = None
    root: str | None = None
    outcome: str | None = None
    quorum_met: bool | None = None

    @property
    def ok(self) -> bool:
        """True when every check held."""
        return bool(self.checks) and all(check.ok for check in self.checks)

    def check(self, name: str) -> Check | None:
        """The check called `name`, if it ran."""
        return next((check for check in self.checks if check.name == name), None)

    @property
    def failed(self) -> tuple[Check, ...]:
        """The checks that did not hold."""
        return tuple(check for check in self.checks if not check.ok)


class _Unavailable(Exception):
    """A check cannot run because something it needs is missing or malformed."""


def _get(obj: object, *path: str, kind: type | tuple[type, ...] = object) -> Any:
    """result.json field at `path`, of type `kind`, or _Unavailable naming what is wrong."""
    current = obj
    for depth, key in enumerate(path):
        if not isinstance(current, dict) or key not in current:
            raise _Unavailable(f"result.json has no {'.'.join(path[: depth + 1])}")
        current = current[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # JSON true is not the integer 1: a bool never passes where an int is expected.
    bad_bool = isinstance(current, bool) and int in kinds and bool not in kinds
    if not isinstance(current, kind) or bad_bool:
        raise _Unavailable(f"result.json {'.'.join(path)} has the wrong type")
    return current


class _Context:
    """What the checks share: the bundle, and each file parsed once (or why it is not)."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        try:
            self.result: Any = parse_canonical(bundle.result_json)
            self.result_problem = "" if isinstance(self.result, dict) else "not a JSON object"
        except NotCanonical as exc:
            self.result, self.result_problem = None, str(exc)
        self.spec: PollSpec | None = None
        self.spec_problem = "result.json is unreadable"
        if self.result_problem == "":
            try:
                poll = _get(self.result, "poll", kind=dict)
                rest = {k: v for k, v in poll.items() if k not in ("id", "title")}
                self.spec, self.spec_problem = PollSpec.from_dict(rest), ""
            except (_Unavailable, PollSpecError) as exc:
                self.spec_problem = f"poll definition: {exc}"
        self.roll: ParsedRoll = parse_roll(
            bundle.roll_jsonl, secret=self.spec.secret if self.spec else None
        )
        self.ballots: ParsedBallots = parse_ballots(bundle.ballots_jsonl)
        self._tally: Tally | None = None

    def need_result(self) -> Any:
        if self.result_problem:
            raise _Unavailable(f"result.json is unreadable: {self.result_problem}")
        return self.result

    def need_spec(self) -> PollSpec:
        if self.spec is None:
            raise _Unavailable(self.spec_problem)
        return self.spec

    def need_roll(self) -> ParsedRoll:
        if not self.roll.complete:
            raise _Unavailable("roll.jsonl has malformed lines (see roll_format)")
        return self.roll

    def need_ballots(self) -> ParsedBallots:
        if not self.ballots.complete:
            raise _Unavailable("ballots.jsonl has malformed lines (see ballots_format)")
        return self.ballots

    def recount(self) -> Tally:
        if self._tally is None:
            try:
                self._tally = tally(
                    self.need_spec(), self.need_roll().entries, self.need_ballots().ballots
                )
            except TallyError as exc:
                raise _Unavailable(f"cannot recount: {exc}") from None
        return self._tally


def _check_result_format(ctx: _Context) -> list[str]:
    result = ctx.need_result()
    problems = [f"missing field {name}" for name in RESULT_FIELDS if name not in result]
    if result.get("format") != FORMAT:
        problems.append(f"format is {result.get('format')!r}, expected {FORMAT!r}")
    if ctx.spec is None:
        problems.append(ctx.spec_problem)
    typed = [
        (("roll", "sha256"), str),
        (("roll", "total_weight"), int),
        (("roll", "voting_rights"), int),
        (("roll", "present_weight"), int),
        (("roll", "present_organizations"), int),
        (("ledger", "tree_size"), int),
        (("ledger", "root"), str),
        (("tally",), dict),
        (("cast", "weight"), int),
        (("cast", "organizations"), int),
        (("quorum_met",), bool),
        (("outcome",), str),
        (("signing_key", "sha256"), str),
    ]
    for path, kind in typed:
        try:
            _get(result, *path, kind=kind)
        except _Unavailable as exc:
            problems.append(str(exc).removeprefix("result.json "))
    return problems


def _check_signature(ctx: _Context) -> list[str]:
    try:
        pub = load_public_key(ctx.bundle.public_key_pem)
    except SigningKeyError as exc:
        return [f"signing-key.pem: {exc}"]
    sig = ctx.bundle.signature
    if len(sig) != 64:
        return [f"result.json.sig is {len(sig)} bytes, an Ed25519 signature is 64"]
    if not verify_signature(pub, sig, ctx.bundle.result_json):
        return ["result.json.sig is not a valid signature of result.json by signing-key.pem"]
    return []


def _check_signing_key(ctx: _Context) -> list[str]:
    claimed = _get(ctx.need_result(), "signing_key", "sha256", kind=str)
    try:
        actual = fingerprint(load_public_key(ctx.bundle.public_key_pem))
    except SigningKeyError as exc:
        raise _Unavailable(f"signing-key.pem: {exc}") from None
    if claimed != actual:
        return [f"signing_key.sha256 is {claimed}, signing-key.pem has fingerprint {actual}"]
    return []


def _compare(label: str, claimed: object, actual: object, source: str = "recount gives") -> list[str]:
    if claimed == actual and type(claimed) is type(actual):
        return []
    return [f"{label}: bundle says {claimed!r}, {source} {actual!r}"]


def _check_roll(ctx: _Context) -> list[str]:
    result = ctx.need_result()
    claimed = _get(result, "roll", "sha256", kind=str)
    actual = sha256_hex(ctx.bundle.roll_jsonl)
    problems = [] if claimed == actual else [f"roll.sha256 is {claimed}, roll.jsonl hashes to {actual}"]
    entries = ctx.need_roll().entries
    problems += _compare(
        "roll.total_weight",
        _get(result, "roll", "total_weight", kind=int),
        roll_total(entries),
        "roll.jsonl weights sum to",
    )
    problems += _compare(
        "roll.voting_rights",
        _get(result, "roll", "voting_rights", kind=int),
        len(entries),
        "roll.jsonl lines:",
    )
    return problems


def _check_ledger(ctx: _Context) -> list[str]:
    result = ctx.need_result()
    lines = ctx.ballots.lines  # raw bytes: the ledger does not depend on parsing
    problems = _compare(
        "ledger.tree_size",
        _get(result, "ledger", "tree_size", kind=int),
        len(lines),
        "ballots.jsonl lines:",
    )
    actual = root([leaf_hash(line) for line in lines]).hex()
    claimed = _get(result, "ledger", "root", kind=str)
    if claimed != actual:
        problems.append(f"ledger.root is {claimed}, the Merkle root of ballots.jsonl is {actual}")
    return problems


def _uncounted_invalid(ctx: _Context, spec: PollSpec) -> list[str]:
    """Ballots that did not count (superseded) must still have been valid when accepted."""
    weights = {entry.voter: entry.weight for entry in ctx.need_roll().entries}
    counted, _ = counted_ballots(spec, weights, ctx.need_ballots().ballots)
    chosen = {ballot.seq for ballot in counted.values()}
    problems = []
    for ballot in ctx.need_ballots().ballots:
        if ballot.seq in chosen or ballot.voter not in weights:
            continue
        try:
            allocation_of(spec, weights[ballot.voter], ballot.vote)
        except BallotRejected as exc:
            problems.append(f"superseded ballot seq {ballot.seq} ({exc.code}): {exc.message}")
    return problems


def _check_tally(ctx: _Context) -> list[str]:
    result = ctx.need_result()
    spec = ctx.need_spec()
    count = ctx.recount()
    claimed = _get(result, "tally", kind=dict)
    problems = []
    for key in sorted(set(claimed) - set(count.per_option)):
        problems.append(f"tally has {key!r}, which is not an option of the poll")
    for key, option in count.per_option.items():
        entry = claimed.get(key)
        if not isinstance(entry, dict):
            problems.append(f"tally for {key!r} is missing")
            continue
        problems += _compare(f"tally for {key!r}", entry.get("weight"), option.weight)
        problems += _compare(
            f"organizations for {key!r}", entry.get("organizations"), option.organizations
        )
    problems += _compare("cast.weight", _get(result, "cast", "weight", kind=int), count.cast_weight)
    problems += _compare(
        "cast.organizations", _get(result, "cast", "organizations", kind=int), count.cast_organizations
    )
    return problems + _uncounted_invalid(ctx, spec)


def _check_outcome(ctx: _Context) -> list[str]:
    result = ctx.need_result()
    spec, entries, count = ctx.need_spec(), ctx.need_roll().entries, ctx.recount()
    decision = decide(spec, entries, count)
    seen = attendance(entries, count)
    problems = _compare("quorum_met", _get(result, "quorum_met", kind=bool), decision.quorum_met)
    problems += _compare("outcome", _get(result, "outcome", kind=str), decision.outcome)
    problems += _compare(
        "roll.present_weight", _get(result, "roll", "present_weight", kind=int), seen.present_weight
    )
    problems += _compare(
        "roll.present_organizations",
        _get(result, "roll", "present_organizations", kind=int),
        seen.present_organizations,
    )
    return problems


def _cosignature(pem: bytes, sig: bytes, data: bytes) -> Callable[[_Context], list[str]]:
    def check(_: _Context) -> list[str]:
        try:
            pub = load_public_key(pem)
        except SigningKeyError as exc:
            return [str(exc)]
        if not verify_signature(pub, sig, data):
            return [f"not a valid signature of result.json by the key {fingerprint(pub)}"]
        return []

    return check


_SUCCESS = {
    "result_format": "result.json is canonical JSON in format asamblea.result/1",
    "signature": "result.json.sig is a valid Ed25519 signature of result.json",
    "signing_key": "signing_key.sha256 is the fingerprint of signing-key.pem",
    "roll_format": "every roll.jsonl line is a canonical, well-formed voting right",
    "roll": "roll.sha256, total_weight and voting_rights match roll.jsonl",
    "ballots_format": "every ballots.jsonl line is canonical and seq runs 0, 1, 2, …",
    "ledger": "tree_size and Merkle root match ballots.jsonl",
    "tally": "the recount matches result.tally and result.cast",
    "outcome": "quorum_met, outcome and presence follow from the poll's rules",
}


def _run(name: str, check: Callable[[_Context], list[str]], ctx: _Context) -> Check:
    try:
        problems = check(ctx)
    except _Unavailable as exc:
        return Check(name=name, ok=False, reason=str(exc))
    if problems:
        return Check(name=name, ok=False, reason="; ".join(problems))
    return Check(name=name, ok=True, reason=_SUCCESS.get(name, "valid"))


def _summary(ctx: _Context) -> dict[str, Any]:
    result = ctx.result if isinstance(ctx.result, dict) else {}
    poll = result.get("poll") if isinstance(result.get("poll"), dict) else {}
    ledger = result.get("ledger") if isinstance(result.get("ledger"), dict) else {}

    def typed(value: object, kind: type) -> Any:
        return value if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) else None

    return {
        "poll_id": poll.get("id"),
        "poll_title": typed(poll.get("title"), str),
        "tree_size": typed(ledger.get("tree_size"), int),
        "root": typed(ledger.get("root"), str),
        "outcome": typed(result.get("outcome"), str),
        "quorum_met": typed(result.get("quorum_met"), bool),
    }


def verify_bundle(source: str | os.PathLike[str] | Bundle) -> Report:
    """Verify an audit bundle (a directory, a ZIP, or a `Bundle` already read).

    Runs every check of API.md §3 and reports each with its reason; never stops at the
    first failure. Raises `BundleError` only when `source` cannot be read as a bundle.
    """
    bundle = source if isinstance(source, Bundle) else read_bundle(source)
    ctx = _Context(bundle)
    checks: list[tuple[str, Callable[[_Context], list[str]]]] = [
        ("result_format", _check_result_format),
        ("signature", _check_signature),
        ("signing_key", _check_signing_key),
        ("roll_format", lambda c: list(c.roll.problems)),
        ("roll", _check_roll),
        ("ballots_format", lambda c: list(c.ballots.problems)),
        ("ledger", _check_ledger),
        ("tally", _check_tally),
        ("outcome", _check_outcome),
    ]
    for name, (pem, sig) in sorted(bundle.cosignatures.items()):
        checks.append((f"cosignature:{name}", _cosignature(pem, sig, bundle.result_json)))
    if bundle.unpaired_cosignatures:
        unpaired = ", ".join(bundle.unpaired_cosignatures)
        checks.append(("cosignatures", lambda _: [f"files without their pair: {unpaired}"]))
    return Report(checks=tuple(_run(name, check, ctx) for name, check in checks), **_summary(ctx))
