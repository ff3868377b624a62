"""The individual checks of an audit bundle (API.md §3), over files parsed once.

Each check returns the list of problems it found (empty when it holds), or raises
`Unavailable` when something it depends on could not be read; `ballots.verify` runs them
all and turns the outcome into a report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ballots.bundle import Bundle
from ballots.canonical import NotCanonical, parse_canonical, sha256_hex
from ballots.casting import BallotRejected
from ballots.elections import Election, decide_election, election_section
from ballots.ledger import leaf_hash, root
from ballots.lines import ParsedBallots, ParsedRoll, parse_ballots, parse_roll, roll_total
from ballots.polls import PollSpec, PollSpecError
from ballots.result import FORMAT, RESULT_FIELDS
from ballots.seat_rules import SeatRulesError
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


class Unavailable(Exception):
    """A check cannot run because something it needs is missing or malformed."""


def _get(obj: object, *path: str, kind: type | tuple[type, ...] = object) -> Any:
    """result.json field at `path`, of type `kind`, or Unavailable naming what is wrong."""
    current = obj
    for depth, key in enumerate(path):
        if not isinstance(current, dict) or key not in current:
            raise Unavailable(f"result.json has no {'.'.join(path[: depth + 1])}")
        current = current[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # JSON true is not the integer 1: a bool never passes where an int is expected.
    bad_bool = isinstance(current, bool) and int in kinds and bool not in kinds
    if not isinstance(current, kind) or bad_bool:
        raise Unavailable(f"result.json {'.'.join(path)} has the wrong type")
    return current


class Context:
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
            except (Unavailable, PollSpecError) as exc:
                self.spec_problem = f"poll definition: {exc}"
        self.election: Election | None = None
        self.election_problem = ""
        if self.spec is not None and "election" in self.result:
            try:
                self.election = Election.from_dict(self.result["election"], self.spec)
            except SeatRulesError as exc:
                self.election_problem = f"election: {exc}"
        self.roll: ParsedRoll = parse_roll(
            bundle.roll_jsonl, secret=self.spec.secret if self.spec else None
        )
        self.ballots: ParsedBallots = parse_ballots(bundle.ballots_jsonl)
        self._tally: Tally | None = None

    def need_result(self) -> Any:
        """The parsed result.json, or Unavailable."""
        if self.result_problem:
            raise Unavailable(f"result.json is unreadable: {self.result_problem}")
        return self.result

    def need_spec(self) -> PollSpec:
        """The poll definition of result.poll, or Unavailable."""
        if self.spec is None:
            raise Unavailable(self.spec_problem)
        return self.spec

    def need_roll(self) -> ParsedRoll:
        """roll.jsonl, if every line is a valid voting right; else Unavailable."""
        if not self.roll.complete:
            raise Unavailable("roll.jsonl has malformed lines (see roll_format)")
        return self.roll

    def need_ballots(self) -> ParsedBallots:
        """ballots.jsonl, if every line is well-formed; else Unavailable."""
        if not self.ballots.complete:
            raise Unavailable("ballots.jsonl has malformed lines (see ballots_format)")
        return self.ballots

    def recount(self) -> Tally:
        """The recount, computed once; Unavailable if it cannot be made."""
        if self._tally is None:
            try:
                self._tally = tally(
                    self.need_spec(), self.need_roll().entries, self.need_ballots().ballots
                )
            except TallyError as exc:
                raise Unavailable(f"cannot recount: {exc}") from None
        return self._tally


def check_result_format(ctx: Context) -> list[str]:
    """result.json is canonical JSON, format asamblea.result/1, with every field typed."""
    result = ctx.need_result()
    problems = [f"missing field {name}" for name in RESULT_FIELDS if name not in result]
    if result.get("format") != FORMAT:
        problems.append(f"format is {result.get('format')!r}, expected {FORMAT!r}")
    if ctx.spec is None:
        problems.append(ctx.spec_problem)
    if ctx.election_problem:
        problems.append(ctx.election_problem)
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
        except Unavailable as exc:
            problems.append(str(exc).removeprefix("result.json "))
    return problems


def check_signature(ctx: Context) -> list[str]:
    """Check 1: result.json.sig is an Ed25519 signature (RFC 8032) of result.json by
    signing-key.pem."""
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


def check_signing_key(ctx: Context) -> list[str]:
    """Check 2: signing_key.sha256 is the SHA-256 of the DER SubjectPublicKeyInfo of
    signing-key.pem."""
    claimed = _get(ctx.need_result(), "signing_key", "sha256", kind=str)
    try:
        actual = fingerprint(load_public_key(ctx.bundle.public_key_pem))
    except SigningKeyError as exc:
        raise Unavailable(f"signing-key.pem: {exc}") from None
    if claimed != actual:
        return [f"signing_key.sha256 is {claimed}, signing-key.pem has fingerprint {actual}"]
    return []


def _compare(
    label: str, claimed: object, actual: object, source: str = "recount gives"
) -> list[str]:
    if claimed == actual and type(claimed) is type(actual):
        return []
    return [f"{label}: bundle says {claimed!r}, {source} {actual!r}"]


def check_roll(ctx: Context) -> list[str]:
    """Check 3: roll.sha256 hashes roll.jsonl; total_weight and voting_rights match it."""
    result = ctx.need_result()
    claimed = _get(result, "roll", "sha256", kind=str)
    actual = sha256_hex(ctx.bundle.roll_jsonl)
    problems = (
        [] if claimed == actual else [f"roll.sha256 is {claimed}, roll.jsonl hashes to {actual}"]
    )
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


def check_ledger(ctx: Context) -> list[str]:
    """Check 4: tree_size is the number of ballot lines, root their RFC 6962 Merkle root."""
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


def _uncounted_invalid(ctx: Context, spec: PollSpec) -> list[str]:
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


def check_tally(ctx: Context) -> list[str]:
    """Check 5: the recount (docs/audit.md §3.1–3.2) gives result.tally and result.cast;
    superseded ballots were valid too."""
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
        "cast.organizations",
        _get(result, "cast", "organizations", kind=int),
        count.cast_organizations,
    )
    return problems + _uncounted_invalid(ctx, spec)


def check_outcome(ctx: Context) -> list[str]:
    """Check 6: quorum_met, outcome and presence follow from the rules (docs/audit.md §3)."""
    result = ctx.need_result()
    spec, entries, count = ctx.need_spec(), ctx.need_roll().entries, ctx.recount()
    if ctx.election_problem:
        raise Unavailable(ctx.election_problem)
    if ctx.election is None:
        decision = decide(spec, entries, count)
    else:
        decision, _seats = decide_election(spec, entries, count, ctx.election)
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


def check_seats(ctx: Context) -> list[str]:
    """A declared election: `election.seats` is the allocation `ballots.seats` computes from
    the recounted tally and the declared rules and candidates (docs/elections.md)."""
    result = ctx.need_result()
    if ctx.election is None:
        raise Unavailable(ctx.election_problem or "result.json declares no election")
    spec, entries, count = ctx.need_spec(), ctx.need_roll().entries, ctx.recount()
    _decision, allocation = decide_election(spec, entries, count, ctx.election)
    expected = election_section(ctx.election, allocation)["seats"]
    claimed = result["election"].get("seats")
    if claimed == expected:
        return []
    if not isinstance(claimed, list) or not isinstance(expected, list):
        return ["election.seats must be a list"]
    problems = [
        f"seat {index + 1}: bundle says {said!r}, the allocation gives {due!r}"
        for index, (said, due) in enumerate(zip(claimed, expected, strict=False))
        if said != due
    ]
    if len(claimed) != len(expected):
        problems.append(
            f"election.seats lists {len(claimed)} seats, the allocation {len(expected)}"
        )
    return problems


def cosignature_check(pem: bytes, sig: bytes, data: bytes) -> Callable[[Context], list[str]]:
    """A check that `sig` is a valid Ed25519 signature of `data` by the key in `pem`."""
    def check(_: Context) -> list[str]:
        try:
            pub = load_public_key(pem)
        except SigningKeyError as exc:
            return [str(exc)]
        if not verify_signature(pub, sig, data):
            return [f"not a valid signature of result.json by the key {fingerprint(pub)}"]
        return []

    return check
