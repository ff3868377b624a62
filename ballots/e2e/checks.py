"""The checks of a secret poll's audit bundle (docs/e2e-protocol.md §11.3), over files
parsed once. Like `ballots.checks`: each check returns its problems (empty when it holds)
or raises `Unavailable` when something it needs could not be read.
"""

from __future__ import annotations

from typing import Any

from ballots.canonical import NotCanonical, sha256_hex
from ballots.checks import Unavailable, _compare, _get
from ballots.e2e.bundle import BALLOTS, CEREMONY, DECRYPTION, KEY_ROLL, POLL, ROLL, SecretBundle
from ballots.e2e.ceremony import Ceremony
from ballots.e2e.dkg import outcome as ceremony_outcome
from ballots.e2e.documents import DocumentError, load_document, load_lines
from ballots.e2e.encoding import EncodingError
from ballots.e2e.keyroll import KeyEvent, KeyRoll, parse_event
from ballots.e2e.ledger_check import LedgerReport, check_ledger
from ballots.e2e.params import PollParams
from ballots.e2e.result import (
    FORMAT,
    RESULT_FIELDS,
    DecryptionError,
    Totals,
    as_tally,
    decrypt_totals,
    valid_shares,
)
from ballots.ledger import leaf_hash, root
from ballots.lines import ParsedRoll, parse_roll, roll_total, split_lines
from ballots.tally import attendance, decide


def _loaded(data: bytes, name: str) -> tuple[Any, str]:
    try:
        return load_document(data, name), ""
    except DocumentError as exc:
        return None, str(exc)


class SecretContext:
    """What the checks share: every file parsed once (or why it could not be)."""

    def __init__(self, bundle: SecretBundle, workers: int = 1) -> None:
        self.bundle = bundle
        self.workers = workers
        files = bundle.files
        self.result, self.result_problem = _loaded(files["result.json"], "result.json")
        if self.result is not None and not isinstance(self.result, dict):
            self.result, self.result_problem = None, "result.json is not a JSON object"
        self.params: PollParams | None = None
        poll, self.params_problem = _loaded(files[POLL], POLL)
        if poll is not None:
            try:
                self.params = PollParams.from_dict(poll)
            except EncodingError as exc:
                self.params_problem = f"poll.json: {exc}"
        self.roll: ParsedRoll = parse_roll(files[ROLL], secret=False)
        self.key_roll: KeyRoll | None = None
        self.key_roll_problems: list[str] = []
        self._read_key_roll(files[KEY_ROLL])
        self.ledger_lines, _ = split_lines(files[BALLOTS])
        self._ledger: LedgerReport | None = None
        self._totals: Totals | None = None
        self.ceremony: Ceremony | None = None
        self.transcript, self.ceremony_problem = _loaded(files[CEREMONY], CEREMONY)

    def _read_key_roll(self, data: bytes) -> None:
        try:
            values = load_lines(data, KEY_ROLL)
        except DocumentError as exc:
            self.key_roll_problems.append(str(exc))
            return
        events: list[KeyEvent] = []
        for index, value in enumerate(values):
            try:
                if isinstance(value, NotCanonical):
                    raise EncodingError(str(value))
                events.append(parse_event(value, index))
            except EncodingError as exc:
                self.key_roll_problems.append(f"keyroll.jsonl line {index + 1}: {exc}")
        if not self.key_roll_problems:
            self.key_roll = KeyRoll(events)

    def need_result(self) -> Any:
        """result.json, parsed."""
        if self.result is None:
            raise Unavailable(f"result.json is unreadable: {self.result_problem}")
        return self.result

    def need_params(self) -> PollParams:
        """poll.json, parsed."""
        if self.params is None:
            raise Unavailable(self.params_problem or "poll.json is unreadable")
        return self.params

    def need_roll(self) -> ParsedRoll:
        """roll.jsonl, if every line is a valid voting right."""
        if not self.roll.complete:
            raise Unavailable("roll.jsonl has malformed lines (see roll_format)")
        return self.roll

    def need_key_roll(self) -> KeyRoll:
        """keyroll.jsonl, if every line is a valid event."""
        if self.key_roll is None:
            raise Unavailable("keyroll.jsonl is malformed (see key_roll)")
        return self.key_roll

    def need_ceremony(self) -> Ceremony:
        """The ceremony's setup, from ceremony.json."""
        if self.ceremony is None:
            if not isinstance(self.transcript, dict) or "setup" not in self.transcript:
                raise Unavailable(self.ceremony_problem or "ceremony.json has no setup")
            try:
                self.ceremony = Ceremony.from_dict(self.transcript["setup"])
            except EncodingError as exc:
                raise Unavailable(f"ceremony.json setup: {exc}") from None
        return self.ceremony

    def ledger(self) -> LedgerReport:
        """Every ballot checked and the encrypted tally, computed once."""
        if self._ledger is None:
            weights = {e.voter: e.weight for e in self.need_roll().entries}
            self._ledger = check_ledger(
                self.need_params(),
                weights,
                self.need_key_roll(),
                self.ledger_lines,
                self.workers,
            )
        return self._ledger

    def totals(self) -> Totals:
        """The totals decrypted from the trustees' valid shares."""
        if self._totals is None:
            params, ledger = self.need_params(), self.ledger()
            shares, _ = self.decryption_shares()
            entries = self.need_roll().entries
            try:
                self._totals = decrypt_totals(
                    params, ledger.aggregates, shares, roll_total(entries), len(entries)
                )
            except DecryptionError as exc:
                raise Unavailable(str(exc)) from None
        return self._totals

    def decryption_shares(self) -> tuple[list[Any], list[str]]:
        """The valid trustee shares and the problems of the others."""
        try:
            messages = load_lines(self.bundle.files[DECRYPTION], DECRYPTION)
        except DocumentError as exc:
            return [], [str(exc)]
        bad = [f"line {n + 1}: {m}" for n, m in enumerate(messages) if isinstance(m, NotCanonical)]
        good = [m for m in messages if not isinstance(m, NotCanonical)]
        shares, problems = valid_shares(
            self.need_ceremony(), self.need_params(), self.ledger().aggregates, good
        )
        return shares, bad + problems


def check_result_format(ctx: SecretContext) -> list[str]:
    """result.json is canonical, format asamblea.e2e-result/1, every field present."""
    result = ctx.need_result()
    problems = [f"missing field {name}" for name in RESULT_FIELDS if name not in result]
    if result.get("format") != FORMAT:
        problems.append(f"format is {result.get('format')!r}, expected {FORMAT!r}")
    return problems


def check_poll(ctx: SecretContext) -> list[str]:
    """poll.json is the poll's parameters: result.poll and result.poll_fingerprint agree,
    and it names this roll."""
    params, result = ctx.need_params(), ctx.need_result()
    problems = []
    if result.get("poll") != params.to_dict()["poll"]:
        problems.append("result.poll differs from poll.json's poll")
    fingerprint = sha256_hex(ctx.bundle.files[POLL])
    if result.get("poll_fingerprint") != fingerprint:
        problems.append(f"poll_fingerprint is not SHA-256 of poll.json ({fingerprint})")
    if params.fingerprint().hex() != fingerprint:
        problems.append("poll.json is not in canonical form")
    if params.roll_sha256 != sha256_hex(ctx.bundle.files[ROLL]):
        problems.append("poll.json roll.sha256 is not the hash of roll.jsonl")
    return problems


def check_ceremony(ctx: SecretContext) -> list[str]:
    """ceremony.json is a ceremony whose outcome is exactly poll.json's trustees."""
    ceremony, params, result = ctx.need_ceremony(), ctx.need_params(), ctx.need_result()
    transcript = ctx.transcript
    if set(transcript) != {"setup", "cards", "dealings", "complaints"}:
        return ["ceremony.json must have exactly setup, cards, dealings, complaints"]
    if not all(isinstance(transcript[k], list) for k in ("cards", "dealings", "complaints")):
        return ["ceremony.json cards, dealings and complaints must be lists"]
    problems = _compare(
        "ceremony.sha256",
        _get(result, "ceremony", "sha256", kind=str),
        sha256_hex(ctx.bundle.files[CEREMONY]),
        "ceremony.json hashes to",
    )
    if params.trustees.ceremony != ceremony.fingerprint():
        problems.append("poll.json names another ceremony")
    judged = ceremony_outcome(
        ceremony, transcript["cards"], transcript["dealings"], transcript["complaints"]
    )
    if judged.trustees != params.trustees:
        problems.append(
            "the ceremony's outcome is not poll.json's trustees"
            + (f" (excluded: {dict(judged.excluded)})" if judged.excluded else "")
        )
    return problems


def check_roll(ctx: SecretContext) -> list[str]:
    """roll.sha256, total_weight and voting_rights match roll.jsonl."""
    result, entries = ctx.need_result(), ctx.need_roll().entries
    problems = _compare(
        "roll.sha256",
        _get(result, "roll", "sha256", kind=str),
        sha256_hex(ctx.bundle.files[ROLL]),
        "roll.jsonl hashes to",
    )
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


def check_key_roll(ctx: SecretContext) -> list[str]:
    """keyroll.jsonl is canonical, well-formed, names only rights on the roll, and matches
    result.key_roll."""
    if ctx.key_roll_problems:
        return ctx.key_roll_problems[:10]
    result, key_roll = ctx.need_result(), ctx.need_key_roll()
    on_roll = {e.voter for e in ctx.need_roll().entries}
    problems = [
        f"keyroll.jsonl seq {e.seq}: {e.voter!r} is not on the roll"
        for e in key_roll.events
        if e.voter not in on_roll
    ][:10]
    problems += _compare(
        "key_roll.sha256",
        _get(result, "key_roll", "sha256", kind=str),
        sha256_hex(ctx.bundle.files[KEY_ROLL]),
        "keyroll.jsonl hashes to",
    )
    problems += _compare(
        "key_roll.size",
        _get(result, "key_roll", "size", kind=int),
        len(key_roll.events),
        "keyroll.jsonl lines:",
    )
    return problems


def check_ledger_root(ctx: SecretContext) -> list[str]:
    """ledger.tree_size and the RFC 6962 root over ballots.jsonl's lines."""
    result, lines = ctx.need_result(), ctx.ledger_lines
    problems = _compare(
        "ledger.tree_size",
        _get(result, "ledger", "tree_size", kind=int),
        len(lines),
        "ballots.jsonl lines:",
    )
    actual = root([leaf_hash(line) for line in lines]).hex()
    if _get(result, "ledger", "root", kind=str) != actual:
        problems.append(f"ledger.root is not the Merkle root of ballots.jsonl ({actual})")
    if ctx.bundle.files[BALLOTS] and not ctx.bundle.files[BALLOTS].endswith(b"\n"):
        problems.append("ballots.jsonl does not end with a newline")
    return problems


def ballot_check(name: str) -> Any:
    """The report check for one ballot check name, over every ledger line."""

    def check(ctx: SecretContext) -> list[str]:
        return ctx.ledger().problems(name)

    return check


def check_decryption(ctx: SecretContext) -> list[str]:
    """Every trustee share verifies; at least k of them; result.decryption names the k
    combined."""
    shares, problems = ctx.decryption_shares()
    result = ctx.need_result()
    problems += _compare(
        "decryption.sha256",
        _get(result, "decryption", "sha256", kind=str),
        sha256_hex(ctx.bundle.files[DECRYPTION]),
        "decryption.jsonl hashes to",
    )
    k = ctx.need_params().trustees.threshold
    if len(shares) < k:
        problems.append(f"{k} valid decryption shares are needed, {len(shares)} given")
    else:
        problems += _compare(
            "decryption.trustees",
            _get(result, "decryption", "trustees", kind=list),
            [s.index for s in shares[:k]],
            "the first k valid are",
        )
    return problems


def check_tally(ctx: SecretContext) -> list[str]:
    """The decrypted totals are result.tally; cast weight and organizations match the
    counted ballots."""
    result, params, totals = ctx.need_result(), ctx.need_params(), ctx.totals()
    claimed = _get(result, "tally", kind=dict)
    problems = [
        f"tally has {k!r}, not an option" for k in sorted(set(claimed) - set(params.spec.options))
    ]
    for key in params.spec.options:
        entry = claimed.get(key)
        expected = {"weight": totals.weight[key], "organizations": totals.organizations[key]}
        if entry != expected:
            problems.append(
                f"tally for {key!r}: bundle says {entry!r}, decryption gives {expected!r}"
            )
    counted = ctx.ledger().counted_voters
    weights = {e.voter: e.weight for e in ctx.need_roll().entries}
    problems += _compare(
        "cast.weight", _get(result, "cast", "weight", kind=int), sum(weights[v] for v in counted)
    )
    problems += _compare(
        "cast.organizations", _get(result, "cast", "organizations", kind=int), len(counted)
    )
    return problems


def check_outcome(ctx: SecretContext) -> list[str]:
    """quorum_met, outcome and presence follow from the totals and the rules."""
    result, params, entries = ctx.need_result(), ctx.need_params(), ctx.need_roll().entries
    count = as_tally(params, ctx.totals(), entries, ctx.ledger().counted_voters)
    decision, seen = decide(params.spec, entries, count), attendance(entries, count)
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
