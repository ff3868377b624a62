"""The result of a secret poll (`asamblea.e2e-result/1`, docs/e2e-protocol.md §11.2):
decrypting the totals from the trustees' shares and building the object the assembly
signs. The verifier (`ballots.e2e.checks`) recomputes every field of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ballots.canonical import sha256_hex
from ballots.e2e.ceremony import Ceremony, CeremonyError
from ballots.e2e.decryption import AggregateKey, TrusteeShares, combine, read_shares
from ballots.e2e.dlog import DlogNotFound, bounded_dlog
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.params import PollParams
from ballots.polls import ABSTAIN
from ballots.tally import OptionCount, RollEntry, Tally, attendance, decide

FORMAT = "asamblea.e2e-result/1"
RESULT_FIELDS = (
    "format",
    "assembly",
    "poll",
    "poll_fingerprint",
    "roll",
    "key_roll",
    "ledger",
    "ceremony",
    "decryption",
    "tally",
    "cast",
    "quorum_met",
    "outcome",
    "opened_at",
    "closed_at",
    "signing_key",
)


class DecryptionError(ValueError):
    """The totals cannot be decrypted: too few valid shares, or a total out of range."""


@dataclass(frozen=True)
class Totals:
    """Decrypted totals per option (organizations None for divided votes), and the
    trustees whose shares were combined."""

    weight: Mapping[str, int]
    organizations: Mapping[str, int | None]
    trustees: tuple[int, ...]


def valid_shares(
    ceremony: Ceremony,
    params: PollParams,
    aggregates: Mapping[AggregateKey, Ciphertext],
    messages: Sequence[object],
) -> tuple[list[TrusteeShares], list[str]]:
    """The trustees' decryption messages that verify (one per trustee, by index), and why
    the others do not."""
    good: dict[int, TrusteeShares] = {}
    problems = []
    for message in messages:
        try:
            shares = read_shares(
                ceremony,
                params.fingerprint(),
                params.trustees,
                message,
                aggregates,
                params.spec.options,
            )
        except CeremonyError as exc:
            problems.append(str(exc))
            continue
        if shares.index in good:
            problems.append(f"trustee {shares.index} gave its shares twice")
        good[shares.index] = shares
    return [good[i] for i in sorted(good)], problems


def decrypt_totals(
    params: PollParams,
    aggregates: Mapping[AggregateKey, Ciphertext],
    shares: Sequence[TrusteeShares],
    total_weight: int,
    rights: int,
) -> Totals:
    """Combine the first k trustees' shares and solve each total (§10.3)."""
    k = params.trustees.threshold
    if len(shares) < k:
        raise DecryptionError(f"{k} valid decryption shares are needed, {len(shares)} given")
    chosen = list(shares)[:k]
    options = params.spec.options
    weight: dict[str, int] = {}
    organizations: dict[str, int | None] = dict.fromkeys(options)
    for which, ct in aggregates.items():
        point = combine(ct, {s.index: s.shares[which][0] for s in chosen}, k)
        bound = total_weight if which.kind == "weight" else rights
        try:
            value = bounded_dlog(point, bound)
        except DlogNotFound:
            raise DecryptionError(
                f"the {which.kind} total of {options[which.option]} is not between 0 and {bound}"
            ) from None
        if which.kind == "weight":
            weight[options[which.option]] = value
        else:
            organizations[options[which.option]] = value
    return Totals(weight, organizations, tuple(s.index for s in chosen))


def as_tally(
    params: PollParams, totals: Totals, roll: Sequence[RollEntry], counted: frozenset[str]
) -> Tally:
    """The plain `Tally` the rules decide on. Organizations of divided votes are unknown
    (0 here; such polls cannot use the double majority, `PollParams`)."""
    weights = {entry.voter: entry.weight for entry in roll}
    orgs = {key: value or 0 for key, value in totals.organizations.items()}
    return Tally(
        per_option={
            key: OptionCount(weight=totals.weight[key], organizations=orgs[key])
            for key in params.spec.options
        },
        cast_weight=sum(weights[v] for v in counted),
        cast_organizations=len(counted),
        counted_voters=counted,
        abstaining_organizations=orgs.get(ABSTAIN, 0),
    )


def build_result(
    *,
    assembly: Mapping[str, object],
    params: PollParams,
    roll: Sequence[RollEntry],
    roll_bytes: bytes,
    key_roll_bytes: bytes,
    key_roll_size: int,
    ledger_size: int,
    ledger_root_hex: str,
    ceremony_bytes: bytes,
    decryption_bytes: bytes,
    totals: Totals,
    counted: frozenset[str],
    opened_at: str,
    closed_at: str,
    signing_key_fingerprint: str,
) -> dict[str, object]:
    """The result object of a closed secret poll (sign its canonical JSON)."""
    count = as_tally(params, totals, roll, counted)
    decision = decide(params.spec, roll, count)
    seen = attendance(roll, count)
    poll = params.to_dict()["poll"]
    return {
        "format": FORMAT,
        "assembly": dict(assembly),
        "poll": poll,
        "poll_fingerprint": params.fingerprint().hex(),
        "roll": {
            "sha256": sha256_hex(roll_bytes),
            "total_weight": seen.total_weight,
            "voting_rights": seen.total_organizations,
            "present_weight": seen.present_weight,
            "present_organizations": seen.present_organizations,
        },
        "key_roll": {"sha256": sha256_hex(key_roll_bytes), "size": key_roll_size},
        "ledger": {"tree_size": ledger_size, "root": ledger_root_hex},
        "ceremony": {"sha256": sha256_hex(ceremony_bytes)},
        "decryption": {"sha256": sha256_hex(decryption_bytes), "trustees": list(totals.trustees)},
        "tally": {
            key: {"weight": totals.weight[key], "organizations": totals.organizations[key]}
            for key in params.spec.options
        },
        "cast": {"weight": count.cast_weight, "organizations": count.cast_organizations},
        "quorum_met": decision.quorum_met,
        "outcome": decision.outcome,
        "opened_at": opened_at,
        "closed_at": closed_at,
        "signing_key": {"sha256": signing_key_fingerprint},
    }
