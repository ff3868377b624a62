"""Checking every ballot of a secret poll's ledger, on several processes if asked
(docs/e2e-protocol.md §6.4 and §11).

Each line is checked on its own (format, poll, voter, signature, proofs: the expensive,
independent part) by worker processes; then the ledger is walked in order for what depends
on the order — the key the key roll authorized at that point, the chain of each right's
ballots (`previous`) — and for which ballot counts. The counted ballots' ciphertexts are
then added up per weight, in parallel too.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from ballots.canonical import NotCanonical
from ballots.e2e import elgamal
from ballots.e2e.ballot_check import PollCheck, check_proofs, check_signature
from ballots.e2e.decryption import AggregateKey
from ballots.e2e.documents import parse_lines
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.encoding import EncodingError
from ballots.e2e.group import Point
from ballots.e2e.keyroll import KeyRoll
from ballots.e2e.ledger import parse_entry
from ballots.e2e.params import PollParams
from ballots.e2e.statements import from_bits
from ballots.e2e.tally import combine_classes, weight_classes

BALLOT_CHECKS = (
    "ballot_format",
    "ballot_poll",
    "ballot_voter",
    "ballot_key",
    "ballot_previous",
    "ballot_signature",
    "ballot_proof",
    "ballot_sum",
    "ballot_range",
)
MAX_EXAMPLES = 5
CHUNK = 500  # lines per task: large enough to amortize, small enough to balance


@dataclass(frozen=True)
class LineResult:
    """What checking one line alone found."""

    seq: int
    voter: str | None = None
    key: bytes | None = None
    previous: str | None = None
    hash: str | None = None
    key_roll_size: int = 0
    failure: tuple[str, str] | None = None
    ciphertexts: tuple[tuple[bytes, bytes], ...] = ()


@dataclass
class LedgerReport:
    """Failures per ballot check (count and a few examples), and the encrypted tally."""

    failures: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    aggregates: dict[AggregateKey, Ciphertext] = field(default_factory=dict)
    counted_voters: frozenset[str] = frozenset()
    lines: int = 0

    def fail(self, check: str, message: str) -> None:
        """Record one failure of `check`."""
        self.counts[check] = self.counts.get(check, 0) + 1
        examples = self.failures.setdefault(check, [])
        if len(examples) < MAX_EXAMPLES:
            examples.append(message)

    def problems(self, check: str) -> list[str]:
        """The failures of `check`, as report lines."""
        examples = list(self.failures.get(check, []))
        extra = self.counts.get(check, 0) - len(examples)
        if extra > 0:
            examples.append(f"and {extra} more")
        return examples


_STATE: dict[str, Any] = {}


def _init(poll_json: Mapping[str, object], weights: Mapping[str, int]) -> None:
    _STATE["poll"] = PollCheck.of(PollParams.from_dict(poll_json))
    _STATE["weights"] = weights


def _check_one(poll: PollCheck, weights: Mapping[str, int], value: object, seq: int) -> LineResult:
    if isinstance(value, NotCanonical):
        return LineResult(seq, failure=("ballot_format", f"line {seq + 1}: {value}"))
    try:
        entry = parse_entry(value, seq)
        ballot = poll.parse(entry.ballot)
    except EncodingError as exc:
        return LineResult(seq, failure=("ballot_format", f"seq {seq}: {exc}"))
    base = LineResult(
        seq,
        voter=entry.voter,
        key=ballot.voting_key,
        previous=ballot.previous,
        hash=ballot.hash(),
        key_roll_size=entry.key_roll_size,
    )
    weight = weights.get(entry.voter)
    if ballot.poll != poll.fingerprint.hex():
        return replace(base, failure=("ballot_poll", f"seq {seq}: for another poll"))
    if ballot.voter != entry.voter or weight is None:
        reason = f"seq {seq}: the ballot of {ballot.voter!r} is not for a right on the roll"
        return replace(base, failure=("ballot_voter", reason))
    for verdict in (check_signature(ballot, entry.signature), check_proofs(poll, ballot, weight)):
        if not verdict.ok:
            return replace(base, failure=(verdict.check, f"seq {seq}: {verdict.reason}"))
    if ballot.parts:
        columns = [from_bits([bit.ciphertext for bit in part.bits]) for part in ballot.parts]
    else:
        columns = [choice.ciphertext for choice in ballot.choices]
    return replace(base, ciphertexts=tuple((c.alpha, c.beta) for c in columns))


def _check_chunk(start: int, lines: Sequence[bytes]) -> list[LineResult]:
    poll, weights = _STATE["poll"], _STATE["weights"]
    values = parse_lines(lines)
    return [_check_one(poll, weights, value, start + n) for n, value in enumerate(values)]


def _sum_chunk(
    counted: Sequence[tuple[int, Sequence[tuple[bytes, bytes]]]], options: int
) -> dict[int, list[tuple[bytes, bytes]]]:
    classes = weight_classes(
        [(w, [Ciphertext(Point(a), Point(b)) for a, b in cts]) for w, cts in counted], options
    )
    return {w: [(c.alpha, c.beta) for c in column] for w, column in classes.items()}


def _pool(workers: int, poll_json: Mapping[str, object], weights: Mapping[str, int]) -> Any:
    # Not "fork": forking a process that runs threads (a test runner, a server) can
    # deadlock, and Python 3.12+ warns about it; workers import ballots.e2e afresh instead.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init, initargs=(poll_json, weights)
    )


def default_workers() -> int:
    """One worker per available core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_ledger(
    params: PollParams,
    weights: Mapping[str, int],
    key_roll: KeyRoll,
    lines: Sequence[bytes],
    workers: int = 1,
) -> LedgerReport:
    """Check every ballot line and compute the encrypted tally of the counted ballots."""
    poll_json = params.to_dict()
    report = LedgerReport(lines=len(lines))
    chunks = [(start, lines[start : start + CHUNK]) for start in range(0, len(lines), CHUNK)]
    if workers > 1 and len(lines) > CHUNK:
        with _pool(workers, poll_json, weights) as pool:
            futures = [pool.submit(_check_chunk, start, chunk) for start, chunk in chunks]
            results = [r for f in futures for r in f.result()]
            counted = _walk(params, weights, key_roll, results, report)
            options = len(params.spec.options)
            halves = [counted[i::workers] for i in range(workers)]
            parts = [pool.submit(_sum_chunk, half, options) for half in halves if half]
            merged = _merge([p.result() for p in parts], options)
    else:
        _init(poll_json, weights)
        results = [r for start, chunk in chunks for r in _check_chunk(start, chunk)]
        counted = _walk(params, weights, key_roll, results, report)
        merged = _merge([_sum_chunk(counted, len(params.spec.options))], len(params.spec.options))
    report.aggregates = combine_classes(merged, len(params.spec.options), params.divided)
    return report


def _merge(
    partials: Sequence[Mapping[int, Sequence[tuple[bytes, bytes]]]], options: int
) -> dict[int, list[Ciphertext]]:
    merged: dict[int, list[Ciphertext]] = {}
    for partial in partials:
        for w, column in partial.items():
            cts = [Ciphertext(Point(a), Point(b)) for a, b in column]
            if w in merged:
                merged[w] = [elgamal.add(x, y) for x, y in zip(merged[w], cts, strict=True)]
            else:
                merged[w] = cts
    return merged


def _order_problems(
    result: LineResult, key_roll: KeyRoll, size: int, previous: str | None
) -> list[tuple[str, str]]:
    """The checks of one line that depend on the ledger before it."""
    voter, seq = result.voter, result.seq
    problems = []
    if result.key_roll_size < size or result.key_roll_size > len(key_roll.events):
        problems.append(
            (
                "ballot_key",
                f"seq {seq}: key_roll_size {result.key_roll_size} is "
                "out of order or beyond the key roll",
            )
        )
    authorized = key_roll.authorized(voter or "", result.key_roll_size)
    if authorized is None:
        problems.append(("ballot_key", f"seq {seq}: no key was registered for {voter!r}"))
    elif authorized != result.key:
        problems.append(
            (
                "ballot_key",
                f"seq {seq}: signed by a key that is not (or no longer) authorized for {voter!r}",
            )
        )
    if result.previous != previous:
        problems.append(
            (
                "ballot_previous",
                f"seq {seq}: does not follow {voter!r}'s previous ballot (replayed or forked)",
            )
        )
    return problems


def _walk(
    params: PollParams,
    weights: Mapping[str, int],
    key_roll: KeyRoll,
    results: Sequence[LineResult],
    report: LedgerReport,
) -> list[tuple[int, Sequence[tuple[bytes, bytes]]]]:
    """The order-dependent checks, and the counted ballots as (weight, ciphertexts)."""
    last_hash: dict[str, str] = {}
    counted: dict[str, LineResult] = {}
    size = 0
    for result in results:
        if result.failure is not None:
            report.fail(*result.failure)
        if result.voter is None or result.hash is None:
            continue
        problems = _order_problems(result, key_roll, size, last_hash.get(result.voter))
        for check, message in problems:
            report.fail(check, message)
        size = max(size, result.key_roll_size)
        last_hash[result.voter] = result.hash
        # Only a ballot that passes every check counts (a bundle with another fails anyway).
        if result.failure is None and not problems and result.voter in weights:
            if params.spec.allow_revote or result.voter not in counted:
                counted[result.voter] = result
    report.counted_voters = frozenset(counted)
    return [(weights[voter], r.ciphertexts) for voter, r in counted.items()]
